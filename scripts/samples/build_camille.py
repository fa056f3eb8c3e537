"""Build the Camille sample case: ``data/samples/camille`` (fictional).

Camille, 16 and looked after, loses her foster placement in January 2024. With no registered
placement available she goes to a hotel with agency staff, then to Crestway Lodge, an unregistered
emergency flat staffed by rotating agency workers, for 98 days. The setting cannot meet her complex
needs: police are called to it again and again (often for behaviour staff could not manage), she
goes missing and is admitted to hospital three times. Responses are reactive; CAMHS's
trauma-informed advice (consistent adults, no police for property damage) is not followed; her
voice almost disappears from the record. An IRO's formal escalation leads to a registered
therapeutic home, where the callouts stop and her voice returns.

Agencies and files:

- ``police.csv``: Northshire Police, "Date/Time".
- ``placements.xlsx``: two sheets, "Commissioning" (the council's placements team, Start/End
  date) and "Provider log" (Crestway Lodge's incident log, date cells and a separate time).
- ``hospital.xlsx``: Riverside Acute Trust, title rows, date cells, discharge date/time.
- ``csc.docx``: Northshire Children's Services, a Word table continued in a second table without
  its header row (a table split across pages).
- ``camhs.docx``: Brookfield CAMHS.
- ``education.csv``: Northshire Virtual School, mixed exact, week and month dates.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _writers import Sheet, Table, check_case, write_csv, write_docx, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "samples" / "camille"
D = dt.date

# --------------------------------------------------------------------------- police
POLICE_HEADER = ["Occurrence ref", "Date/Time", "Incident type", "Details", "Action taken", "Officer"]
POLICE = [
    ("NP-23-150221", "28/12/2023 02:10", "Missing person",
     "Camille reported missing from her foster placement in Ashby Vale by her foster carer; she "
     "left at 22:00 after an argument.", "Found at 14:00 on 29/12 at a friend's house.",
     "PC (response)"),
    ("NP-24-005310", "14/01/2024 23:15", "Concern for welfare",
     "Police called to the foster home: Camille damaging property after her carers took her "
     "phone.", "Words of advice. Carers say they cannot continue.", "PC (response)"),
    ("NP-24-009876", "23/01/2024 22:40", "Concern for welfare",
     "Police called to Crestway Lodge by staff: Camille shouting and throwing things in the "
     "kitchen.", "Officers calmed the situation; no offences. PPN to MASH.", "PC (response)"),
    ("NP-24-010532", "27/01/2024 01:30", "Missing person",
     "Camille reported missing from Crestway Lodge by staff; she had not returned from town.",
     "Returned by taxi at 09:00. Missing children service informed.", "PC (response)"),
    ("NP-24-013004", "02/02/2024 19:50", "Criminal damage",
     "Police called to Crestway Lodge: Camille kicked a kitchen door off its hinges after staff "
     "refused her a lift into town.",
     "Camille arrested for criminal damage; released with no further action the next day.",
     "PC (response)"),
    ("NP-24-014722", "06/02/2024 23:10", "Concern for welfare",
     "Police called to Crestway Lodge by staff: Camille with cuts to her forearms, refusing to go "
     "to hospital.", "Officers took Camille and a staff member to Riverside ED.", "PC (response)"),
    ("NP-24-015990", "11/02/2024 21:05", "Public order",
     "Police called to Crestway Lodge: staff reported Camille swearing at them and refusing to "
     "go to her flat.", "Officers spoke with Camille; no offences.", "PC (response)"),
    ("NP-24-017458", "17/02/2024 00:20", "Concern for welfare",
     "Police called to Crestway Lodge: two older males in Camille's flat and staff could not get "
     "them to leave.",
     "Males identified and removed; intelligence submitted about possible exploitation.",
     "PC (response)"),
    ("NP-24-017458", "19/02/2024 10:00", "Strategy discussion",
     "Strategy discussion held with children's social care and health about the older males "
     "visiting Camille: risk of child sexual exploitation.",
     "Disruption plan; exploitation screening to be completed with Camille.",
     "DS (exploitation team)"),
    ("NP-24-019201", "24/02/2024 16:45", "Missing person",
     "Camille reported missing from Crestway Lodge by staff; found at 22:30 in Ashby Vale town "
     "centre with two older males.", "Camille returned to Crestway Lodge by officers.", "PC (response)"),
    ("NP-24-021877", "01/03/2024 20:15", "Concern for welfare",
     "Police called to Crestway Lodge: Camille very drunk and being sick; staff worried.",
     "Ambulance called; Camille taken to Riverside ED.", "PC (response)"),
    ("NP-24-024519", "09/03/2024 22:30", "Disturbance",
     "Police called to Crestway Lodge: staff said Camille pushed a support worker during an "
     "argument.", "Camille arrested for common assault; released under investigation.",
     "PC (response)"),
    ("NP-24-026030", "16/03/2024 03:00", "Concern for welfare",
     "Police called to Crestway Lodge after a 999 call: staff had found Camille with a cord "
     "around her neck and removed it.", "Ambulance conveyed Camille to Riverside ED.",
     "PC (response)"),
    ("NP-24-028814", "23/03/2024 21:40", "Criminal damage",
     "Police called to Crestway Lodge: Camille smashing crockery after a phone call with her "
     "mother.", "No arrest, in line with the CAMHS advice; staff supported to manage.",
     "PC (response)"),
    ("NP-24-030377", "30/03/2024 23:55", "Concern for welfare",
     "Police called to Crestway Lodge: Camille refusing to come out of the bathroom; staff "
     "worried she might hurt herself.", "Officers talked Camille out; no further action.",
     "PC (response)"),
    ("NP-24-031902", "06/04/2024 18:20", "Missing person",
     "Camille reported missing from Crestway Lodge by staff; located at 01:10 on 07/04 at an "
     "address linked to one of the older males.", "Returned to Crestway Lodge; intelligence submitted.",
     "PC (response)"),
    ("NP-24-033466", "12/04/2024 22:10", "Concern for welfare",
     "Police called to Crestway Lodge: Camille at an open window saying she would jump.",
     "Officers brought Camille to Riverside ED under police protection.", "PC (response)"),
    ("NP-24-035120", "19/04/2024 20:30", "Criminal damage",
     "Police called to Crestway Lodge: Camille kicking doors. Officers restrained and handcuffed "
     "her when she kicked out.",
     "Camille arrested for criminal damage; detained overnight; released with no further action.",
     "PC (response)"),
    ("NP-24-036041", "24/04/2024 01:15", "Concern for welfare",
     "Police called to Crestway Lodge by staff: loud music and visitors in Camille's flat.",
     "Visitors left; words of advice.", "PC (response)"),
    ("NP-24-041300", "28/05/2024 00:00", "Information sharing",
     "Review of police contacts: no calls to Hawthorn House since Camille moved there on 26/04.",
     "Exploitation markers reviewed; disruption plan continues.", "DS (exploitation team)"),
]

# --------------------------------------------------------------------------- placements workbook
COMMISSIONING_TITLES = [
    "Northshire Council – Placements and Commissioning Team",
    "Chronology for the Case of Concern review: Camille. OFFICIAL-SENSITIVE",
]
COMMISSIONING_HEADER = ["Start date", "End date", "Activity", "Details", "Outcome", "Officer role"]
COMMISSIONING = [
    ("15/01/2024", "", "Placement request",
     "Emergency placement request (the foster placement has ended): 31 providers approached "
     "(fostering agencies, children's homes, registered supported accommodation); none could "
     "offer.", "Director's approval sought for an unregistered arrangement.",
     "Placement officer"),
    ("15/01/2024", "19/01/2024", "Bridging arrangement",
     "Camille placed in a hotel with two agency support workers as a bridging arrangement "
     "(unregistered), approved by the Director.", "Ended when Crestway Lodge could take her.",
     "Placement officer"),
    ("19/01/2024", "26/04/2024", "Placement start",
     "Placement started at Crestway Lodge: unregistered supported accommodation (the provider's "
     "Ofsted registration pending) with 24-hour agency staffing, as an emergency for lack of a "
     "registered placement.", "Ended 26/04/2024 on the move to Hawthorn House.",
     "Commissioning manager"),
    ("02/02/2024", "", "Placement search",
     "Weekly placement search: 18 further providers approached; no offers.", "Search continues.",
     "Placement officer"),
    ("16/02/2024", "", "Provider concern",
     "Crestway Lodge told the council that its agency staffing cannot guarantee the same workers "
     "for Camille.", "Noted; no alternative available.", "Commissioning manager"),
    ("13/03/2024", "", "Sufficiency panel",
     "Sufficiency panel: no registered home available; Camille added to the regional sufficiency "
     "escalation list.", "Regional search widened.", "Head of Commissioning"),
    ("05/04/2024", "", "Commissioning panel",
     "Commissioning panel agreed funding for Hawthorn House, a registered therapeutic children's "
     "home, from 26/04.", "Introductory visits arranged.", "Head of Commissioning"),
    ("26/04/2024", "", "Placement start",
     "Placement started at Hawthorn House, a registered therapeutic children's home.",
     "Ongoing when this chronology was written.", "Placement officer"),
]
PROVIDER_TITLES = [
    "Crestway Lodge – incident and contact log (extract for Camille)",
    "Provided to Northshire Council for the Case of Concern review.",
]
PROVIDER_HEADER = ["Date", "Time", "Shift", "Incident type", "Summary", "Action taken", "Staff"]
PROVIDER = [
    (D(2024, 1, 19), "16:00", "Late", "Arrival",
     "Camille arrived with her social worker and was shown her flat.", "Key safe code given.",
     "Agency support worker"),
    (D(2024, 1, 20), "14:00", "Early", "Wellbeing",
     "Camille stayed in her room all day; the third different worker she has met in two days.",
     "Food left outside her door.", "Agency support worker"),
    (D(2024, 1, 23), "22:30", "Night", "Behaviour",
     "Camille shouting and throwing things in the kitchen; staff called the police.",
     "Police attended.", "Agency support worker"),
    (D(2024, 2, 2), "19:45", "Late", "Behaviour",
     "Camille kicked a kitchen door off its hinges after staff refused her a lift into town; staff "
     "called the police.", "Camille arrested.", "Agency support worker"),
    (D(2024, 2, 17), "00:10", "Night", "Visitors",
     "Two older males in Camille's flat; staff unable to make them leave and called the police.",
     "Police removed the males.", "Agency support worker"),
    (D(2024, 3, 9), "22:20", "Night", "Behaviour",
     "Camille pushed a support worker during an argument; staff called the police.",
     "Camille arrested.", "Agency support worker"),
    (D(2024, 3, 16), "02:50", "Night", "Self-harm",
     "Staff found Camille with a ligature (dressing gown cord) around her neck, removed it and "
     "rang 999.", "Ambulance and police attended.", "Agency support worker"),
    (D(2024, 4, 19), "20:20", "Late", "Behaviour",
     "Camille kicking doors; staff called the police. Officers restrained and handcuffed her.",
     "Camille arrested.", "Agency support worker"),
    (D(2024, 4, 26), "10:00", "Early", "Move",
     "Camille moved out of placement to Hawthorn House with her social worker.",
     "Flat cleared.", "Deputy manager"),
]

# --------------------------------------------------------------------------- hospital
HOSPITAL_TITLES = [
    "Chronology of involvement – Riverside Acute Trust – CONFIDENTIAL",
    "Child: Camille (case of concern review). Emergency Department, Kestrel Ward and Paediatric "
    "Liaison. Prepared by the Named Nurse for Safeguarding Children.",
]
HOSPITAL_HEADER = [
    "Date", "Time", "Department", "Contact type", "Details", "Outcome", "Discharge date",
    "Discharge time", "Staff role",
]
HOSPITAL = [
    (D(2024, 2, 6), "23:50", "Emergency Department", "ED attendance",
     "Brought to ED by police with a Crestway Lodge worker: self-inflicted cuts to both forearms. "
     "Wounds closed with steri-strips.", "Back to Crestway Lodge with staff; CAMHS liaison "
     "referral.", D(2024, 2, 7), "03:10", "ED doctor"),
    (D(2024, 3, 1), "21:05", "Kestrel Ward", "Admission",
     "Admitted to Kestrel Ward via ED with alcohol intoxication; said she had been drinking with "
     "'friends' who are older men.", "Safeguarding referral; police informed.", D(2024, 3, 2),
     "11:30", "Paediatric registrar"),
    (D(2024, 3, 16), "03:40", "Kestrel Ward", "Admission",
     "Admitted to Kestrel Ward via ED after a ligature at her placement; neck marks, no lasting "
     "injury.", "1:1 nursing; CAMHS assessment requested.", D(2024, 3, 18), "14:00",
     "Paediatric registrar"),
    (D(2024, 3, 18), "14:00", "Kestrel Ward", "Discharge",
     "Discharged from Kestrel Ward back to Crestway Lodge with her social worker; mother "
     "informed by phone.", "Discharge summary to GP, CSC and CAMHS.", "", "", "Ward nurse"),
    (D(2024, 3, 19), "10:00", "Paediatric Liaison", "Escalation",
     "Paediatric liaison nurse escalated to the social work team manager: three hospital "
     "attendances in six weeks from an unregistered placement that is not keeping Camille safe.",
     "Team manager to raise at the professionals meeting.", "", "", "Paediatric liaison nurse"),
    (D(2024, 4, 12), "22:50", "Emergency Department", "ED attendance",
     "Brought to ED by police under police protection after Camille threatened to jump from a "
     "window at her placement.", "Seen by CAMHS liaison; back to Crestway Lodge with staff.",
     D(2024, 4, 13), "04:00", "ED doctor"),
    (D(2024, 4, 21), "02:00", "Kestrel Ward", "Admission",
     "Admitted to Kestrel Ward via ED after an overdose of paracetamol and ibuprofen taken at "
     "her placement.", "NAC treatment; CAMHS assessment.", D(2024, 4, 23), "12:00",
     "Paediatric registrar"),
    (D(2024, 4, 23), "12:00", "Kestrel Ward", "Discharge",
     "Discharged from Kestrel Ward to Crestway Lodge with two agency staff; social worker "
     "informed. No discharge planning meeting held.", "Discharge summary to GP, CSC and CAMHS.",
     "", "", "Ward nurse"),
]

# --------------------------------------------------------------------------- CAMHS
CAMHS_HEADER = [
    "Date of contact", "Contact type", "Summary of contact", "Outcome", "Seen (Y/N)",
    "Child's views", "Clinician",
]
CAMHS = [
    ("10/01/2024", "Appointment",
     "Session at the foster home with her CAMHS practitioner (open since 2023 for trauma and low "
     "mood). Camille seen alone.", "Next session 30/01.", "Y",
     "I don't want to move again.", "CAMHS practitioner"),
    ("30/01/2024", "Appointment",
     "Camille did not attend: Crestway Lodge staff had not been told about the appointment.",
     "Rebooked; letter sent to the provider.", "N", "", "CAMHS practitioner"),
    ("07/02/2024", "Assessment",
     "CAMHS liaison assessment in ED the morning after the forearm cuts: not detainable; "
     "follow-up by her community practitioner.", "Community follow-up within a week.", "Y", "",
     "CAMHS liaison practitioner"),
    ("20/02/2024", "Telephone",
     "Call to Crestway Lodge to check on Camille: a different worker each time; no one able to say "
     "how she is.", "Asked the social worker for a consistent contact.", "N", "",
     "CAMHS practitioner"),
    ("05/03/2024", "Appointment",
     "Clinic session, Camille seen alone. Trauma formulation shared with her: behaviour as "
     "communication; she needs the same adults around her.",
     "Formulation to be shared with the network.", "Y",
     "They change the staff every day. Why would I talk to them?", "CAMHS practitioner"),
    ("12/03/2024", "Meeting",
     "Network meeting: CAMHS recommended a trauma-informed plan: consistent staff, no police for "
     "property damage, a safe space, the same key worker.", "Plan circulated to all agencies.",
     "N", "", "CAMHS practitioner"),
    ("17/03/2024", "Assessment",
     "CAMHS assessment on Kestrel Ward after the ligature: high risk; recommended a registered "
     "therapeutic placement.", "Letter to the social worker and IRO.", "Y", "",
     "CAMHS consultant psychiatrist"),
    ("02/04/2024", "Appointment",
     "Camille did not attend; staff could not persuade her to come.", "Rebooked.", "N", "",
     "CAMHS practitioner"),
    ("13/04/2024", "Assessment",
     "CAMHS liaison assessment in ED after she threatened to jump from a window.",
     "Community practitioner to see her this week.", "Y", "", "CAMHS liaison practitioner"),
    ("22/04/2024", "Assessment",
     "CAMHS assessment on Kestrel Ward after the overdose: move to Hawthorn House on 26/04 "
     "supported.", "Joint handover to Hawthorn House staff.", "Y",
     "I just want somewhere that feels like a home.", "CAMHS consultant psychiatrist"),
    ("14/05/2024", "Appointment",
     "Session at Hawthorn House. Camille seen alone; settling.", "Weekly sessions.", "Y",
     "I've had the same two staff all week.", "CAMHS practitioner"),
    ("11/06/2024", "Appointment",
     "Trauma-focused therapy started at Hawthorn House; Camille chose the goals.",
     "Weekly therapy.", "Y", "I want to be able to go to college without freaking out.",
     "CAMHS practitioner"),
]

# --------------------------------------------------------------------------- children's social care
CSC_HEADER = ["Date", "Type", "Details", "Child seen", "Child's wishes and feelings", "Worker"]
CSC = [
    ("2023-12-05", "CLA review",
     "Looked after review chaired by the IRO at the foster home; Camille attended and spoke about "
     "college and her phone.", "Yes", "I like it here but they're strict about my phone.", "IRO"),
    ("2023-12-19", "Statutory visit",
     "Statutory visit to the foster home. Camille seen alone; talked about Christmas contact with "
     "her mother.", "Yes", "I don't want to move again. I've moved enough.", "Social worker"),
    ("2024-01-02", "Case note",
     "Return home interview offered, five days after Camille was found on 29/12; she declined to "
     "talk about where she had been.", "No", "", "Return interview worker"),
    ("2024-01-15", "Placement end",
     "Foster placement ended with immediate effect after the incident on 14/01; the carers said "
     "they could no longer keep Camille safe.", "", "", "Social worker"),
    ("2024-01-15", "Case note",
     "No registered placement available. Director approved an unregistered bridging "
     "arrangement: a hotel with two agency support workers until a placement is found.", "",
     "", "Team manager"),
    ("2024-01-19", "Placement",
     "Placed at Crestway Lodge, an unregistered supported accommodation flat with 24-hour agency "
     "staff, because no registered placement could be found.", "Yes", "", "Social worker"),
    ("2024-01-24", "Statutory visit",
     "Statutory visit to Crestway Lodge within a week of the move. Camille stayed in her room and "
     "would not see the social worker.", "No", "", "Social worker"),
    ("2024-02-07", "Case note",
     "Notification from Riverside ED: Camille attended overnight with cuts to her forearms, "
     "brought by police.", "", "", "Social worker"),
    ("2024-02-19", "Strategy discussion",
     "Strategy discussion held with police and health about older males visiting Camille at "
     "Crestway Lodge: risk of child sexual exploitation.",
     "", "", "Team manager"),
    ("2024-02-26", "Statutory visit",
     "Statutory visit: Camille seen alone in a café, her choice. Exploitation screening started "
     "but Camille did not want to continue.", "Yes",
     "Nobody here knows me. The staff change every shift.", "Social worker"),
    ("2024-03-05", "CLA review",
     "Looked after review at Crestway Lodge; Camille did not attend. The IRO recorded that the "
     "placement is not meeting her needs.", "No", "", "IRO"),
    ("2024-03-06", "Escalation",
     "IRO formal escalation under the escalation protocol (stage 2) to the Head of Service: "
     "Camille in an unregistered placement for seven weeks with rising risk.", "", "",
     "IRO"),
    ("2024-03-19", "Case note",
     "Escalation received from the Riverside paediatric liaison nurse: three hospital attendances "
     "in six weeks from an unregistered placement.", "", "", "Team manager"),
    ("2024-03-20", "Meeting",
     "Professionals meeting: agreed to follow the CAMHS trauma-informed plan, reduce police "
     "involvement and ask the provider for the same two workers.", "", "", "Team manager"),
    ("2024-03-28", "Statutory visit",
     "Visit cancelled: social worker off sick; no other visit arranged.", "No", "",
     "Team manager"),
    ("2024-04-05", "Escalation",
     "Escalation outcome: the Head of Service agreed funding for a registered therapeutic home "
     "(Hawthorn House) from 26/04; escalation resolved.", "", "", "Head of Service"),
    ("2024-04-26", "Placement",
     "Camille placed at Hawthorn House, a registered therapeutic children's home, after two "
     "introductory visits she chose to make.", "Yes",
     "It's quiet here. Same faces.", "Social worker"),
    ("2024-05-02", "Statutory visit",
     "Statutory visit to Hawthorn House. Camille seen alone; showed the social worker her room.",
     "Yes", "I've got a key worker. She's called me every day.", "Social worker"),
    ("2024-05-21", "CLA review",
     "Looked after review at Hawthorn House; Camille attended and led the part about college.",
     "Yes", "I want to go back to college in September.", "IRO"),
    ("2024-06-11", "Statutory visit",
     "Statutory visit to Hawthorn House. Camille seen alone.", "Yes",
     "I haven't run off once. That's a record.", "Social worker"),
]

# --------------------------------------------------------------------------- education
EDUCATION_HEADER = ["Date", "Setting", "Details", "Action", "Staff"]
EDUCATION = [
    ("w/c 04/12/2023", "Ashby Vale College",
     "Camille attending her hair and beauty course; attendance 90% this term.", "",
     "Virtual School caseworker"),
    ("w/c 22/01/2024", "Ashby Vale College",
     "Camille stopped attending college after the move: Crestway Lodge is 14 miles away and no "
     "transport was arranged.", "Asked the social worker to arrange transport.",
     "Virtual School caseworker"),
    ("Feb 2024", "Ashby Vale College", "Attendance 12% in February.",
     "Transport still not arranged.", "Virtual School caseworker"),
    ("?27/02/2024", "Crestway Lodge",
     "Personal education plan meeting held at Crestway Lodge; Camille did not attend. College place "
     "at risk.", "PEP targets set without her.", "Virtual School caseworker"),
    ("Mar 2024", "Ashby Vale College",
     "College withdrew Camille's place after six weeks' absence.", "Virtual School to find "
     "tuition.", "Virtual School caseworker"),
    ("w/c 06/05/2024", "Hawthorn House",
     "Virtual School arranged tutoring at Hawthorn House, 10 hours a week.", "",
     "Virtual School caseworker"),
    ("21/05/2024", "Hawthorn House",
     "Personal education plan meeting: Camille attended and chose a September college course. "
     "She said 'I want to finish what I started.'", "College application sent.",
     "Virtual School caseworker"),
    ("Jun 2024", "Ashby Vale College",
     "Camille attended both college taster days.", "Place offered for September.",
     "Virtual School caseworker"),
]

CASE_TOML = """\
# Camille: a fictional worked example (see FACTS.md). Written by scripts/samples/build_camille.py.
case_id = "camille"
title = "Camille: placement breakdown, crisis response and unseen harm"

[[files]]
path = "police.csv"
agency = "police"
expected_events = {police}
note = "Northshire Police: Date/Time dd/mm/yyyy HH:MM"

[[files]]
path = "placements.xlsx"
agency = "placements"
expected_events = {placements}
note = "Two sheets: Commissioning ({commissioning} events, Start/End date) and Provider log ({provider} events, the Crestway Lodge incident log)"

[[files]]
path = "hospital.xlsx"
agency = "health_acute"
expected_events = {hospital}
note = "Riverside Acute Trust: title rows; Discharge date/time close admissions and ED stays"

[[files]]
path = "csc.docx"
agency = "csc"
expected_events = {csc}
note = "Northshire Children's Services: the table continues on a second page without its header row"

[[files]]
path = "camhs.docx"
agency = "health_camhs"
expected_events = {camhs}
note = "Brookfield CAMHS"

[[files]]
path = "education.csv"
agency = "education"
expected_events = {education}
note = "Northshire Virtual School: exact, week commencing and month-only dates"
"""

#: where the children's social care table breaks across pages in the Word file
CSC_PAGE_BREAK = 11


def build(out: Path = OUT) -> Path:
    """Write every Camille file into ``out`` and return the folder."""
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "police.csv", POLICE_HEADER, POLICE)
    write_csv(out / "education.csv", EDUCATION_HEADER, EDUCATION, encoding="utf-8-sig")
    write_xlsx(
        out / "placements.xlsx",
        [
            Sheet("Commissioning", COMMISSIONING_HEADER, COMMISSIONING, titles=COMMISSIONING_TITLES,
                  widths={0: 12, 1: 12, 2: 20, 3: 70, 4: 40, 5: 22}),
            Sheet("Provider log", PROVIDER_HEADER, PROVIDER, titles=PROVIDER_TITLES,
                  widths={0: 12, 1: 8, 2: 8, 3: 14, 4: 70, 5: 30, 6: 22},
                  date_format="dd/mm/yyyy"),
        ],
    )
    write_xlsx(
        out / "hospital.xlsx",
        [Sheet("Chronology", HOSPITAL_HEADER, HOSPITAL, titles=HOSPITAL_TITLES,
               widths={0: 13, 1: 8, 2: 20, 3: 16, 4: 70, 5: 45, 6: 13, 7: 10, 8: 22})],
    )
    write_docx(
        out / "csc.docx",
        "Northshire Children's Services – chronology: Camille",
        [
            Table(CSC_HEADER, CSC[:CSC_PAGE_BREAK]),
            Table(CSC_HEADER, CSC[CSC_PAGE_BREAK:], show_header=False),
        ],
        intro=["Children in Care Team. Prepared for the Case of Concern review. Fictional worked "
               "example."],
    )
    write_docx(
        out / "camhs.docx",
        "Brookfield CAMHS – chronology of involvement with Camille",
        [Table(CAMHS_HEADER, CAMHS)],
        intro=["Northshire Mental Health Partnership NHS Trust."],
    )
    counts = {
        "police": len(POLICE), "commissioning": len(COMMISSIONING), "provider": len(PROVIDER),
        "placements": len(COMMISSIONING) + len(PROVIDER), "hospital": len(HOSPITAL),
        "csc": len(CSC), "camhs": len(CAMHS), "education": len(EDUCATION),
    }
    (out / "case.toml").write_text(CASE_TOML.format(**counts), encoding="utf-8")
    return out


if __name__ == "__main__":
    check_case(build())
