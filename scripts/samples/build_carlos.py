"""Build the Carlos sample case: ``data/samples/carlos`` (fictional).

Carlos, 15, is stabbed by a group of young people. Within hours: ambulance, emergency department,
surgery under general anaesthetic (ending 03:20), discharge from the ward into police custody at
07:40, booked into custody at 08:05 and interviewed at 10:50 with a volunteer appropriate adult
from a scheme instead of his mother, who is never told. The multi-agency safety plan agreed six
weeks earlier (tell his mother and social worker; treat him as a child at risk of exploitation) is
not followed. Good practice too: the youth justice worker's direct work, a strategy discussion two
days later that sees him as a child victim, a formal professional challenge answered in time.

Agencies and files:

- ``ambulance.csv``: Northshire Ambulance Service, separate "Date" and "Time".
- ``hospital.xlsx``: Eastbrook General Hospital, title row, date cells, "End date"/"End time".
- ``police.csv``: Northshire Police, "Date/Time" and an "End Date/Time" column for custody and
  interview (mapped in ``case.toml``).
- ``csc.xlsx``: Northshire Children's Services, ISO dates, no title row.
- ``youth_justice.docx``: Northshire Youth Justice Service, two Word tables, ``14 Jul 2024`` dates.
- ``school.docx``: Hollins Park School, week-commencing and month-only dates.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _writers import Sheet, Table, check_case, write_csv, write_docx, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "samples" / "carlos"
D = dt.date

# --------------------------------------------------------------------------- ambulance
AMBULANCE_HEADER = [
    "Incident number", "Date", "Time", "Call category", "Details", "Outcome",
    "Safeguarding referral (Y/N)", "Clinician",
]
AMBULANCE = [
    ("NAS-240714-0412", "14/07/2024", "18:40", "Category 3",
     "Emergency call from mother: her son (15) punched in the face by older boys in the town centre; "
     "nosebleed, no loss of consciousness.",
     "Telephone triage: advised to attend ED; mother to take him.", "N", "Clinical advisor"),
    ("NAS-241012-1987", "12/10/2024", "21:47", "Category 2",
     "Emergency call from a member of the public: teenage boy injured in Alder Park after being "
     "attacked by a group of young people.", "Crew dispatched 21:49.", "", "Call handler"),
    ("NAS-241012-1987", "12/10/2024", "21:58", "Category 2",
     "Crew arrived on scene: male aged 15 (Carlos), stab wound to the left thigh and a head "
     "injury; police on scene.", "Bleeding controlled; GCS 15; pain relief given.", "",
     "Paramedic"),
    ("NAS-241012-1987", "12/10/2024", "22:12", "Category 2",
     "Left scene for Eastbrook General Hospital with a police officer travelling in the "
     "ambulance.", "Pre-alert to ED resus.", "", "Paramedic"),
    ("NAS-241012-1987", "12/10/2024", "22:31", "Category 2",
     "Handover of Carlos to the Eastbrook ED resus team: stab wound to the left thigh, head "
     "injury.",
     "Safeguarding referral made online: child with a stab wound.", "Y", "Paramedic"),
]

# --------------------------------------------------------------------------- hospital
HOSPITAL_TITLES = [
    "Eastbrook General Hospital – Chronology of involvement – CONFIDENTIAL",
    "Child: Carlos. Emergency Department, Theatres, Ward 12 (surgical) and Paediatric Liaison.",
]
HOSPITAL_HEADER = [
    "Date", "Time", "Department", "Event", "Details", "Outcome", "End date", "End time",
    "Staff role",
]
HOSPITAL = [
    (D(2024, 7, 14), "19:20", "Emergency Department", "ED attendance",
     "Attended ED with mother after being punched in the face by older boys in the town centre; "
     "nasal injury, no fracture.",
     "Home with mother at 22:05. Safeguarding referral to children's social care.",
     D(2024, 7, 14), "22:05", "ED doctor"),
    (D(2024, 10, 12), "22:31", "Emergency Department", "ED attendance",
     "Arrived in ED resus by ambulance: stab wound to the left thigh, head injury. Police officers "
     "present and said Carlos is a suspect in a robbery earlier this evening.",
     "To theatre at 01:50.", D(2024, 10, 13), "01:50", "ED consultant"),
    (D(2024, 10, 12), "23:05", "Emergency Department", "Safeguarding",
     "ED nurse asked Carlos for his mother's number and he gave it. One call to mother: no "
     "answer, voicemail left asking her to ring the ED.",
     "No further attempt recorded.", "", "", "ED nurse"),
    (D(2024, 10, 12), "23:40", "Emergency Department", "Safeguarding",
     "Alert on the hospital record: open to children's social care; safety plan for risk of "
     "criminal exploitation says to inform his mother and social worker if Carlos attends.",
     "Left for the day team; no call to the Emergency Duty Team overnight.", "", "",
     "ED nurse in charge"),
    (D(2024, 10, 13), "01:50", "Theatres", "Surgery",
     "Exploration and washout of the stab wound to the left thigh under general anaesthetic.",
     "Uncomplicated. To recovery at 03:20.", D(2024, 10, 13), "03:20", "Consultant surgeon"),
    (D(2024, 10, 13), "03:35", "Ward 12", "Post-operative",
     "Transferred from recovery to Ward 12 for observation; drowsy, morphine given at 03:50. Two "
     "police officers at the bedside.", "Hourly observations.", "", "", "Staff nurse"),
    (D(2024, 10, 13), "06:30", "Ward 12", "Medical review",
     "Surgical registrar review: wound clean; medically fit to leave once pain is controlled. "
     "Officers asking when Carlos can go.", "Oral pain relief.", "", "", "Surgical registrar"),
    (D(2024, 10, 13), "07:40", "Ward 12", "Discharge",
     "Discharged from Ward 12 into the care of police officers, who arrested him on the ward. "
     "Discharge letter given to the officers. Mother and social worker not called before he "
     "left.", "Wound check in clinic in one week.", "", "", "Staff nurse"),
    (D(2024, 10, 14), "09:30", "Paediatric Liaison", "Safeguarding",
     "Paediatric liaison nurse reviewed the weekend attendances, saw the safety plan alert and "
     "phoned children's social care: Carlos had left Ward 12 with police officers on 13/10, a few "
     "hours after his anaesthetic.", "Datix incident report submitted.", "", "",
     "Paediatric liaison nurse"),
    (D(2024, 10, 21), "10:00", "Surgical Outpatients", "Clinic",
     "Wound check in clinic, attended with his mother; healing well. Carlos said 'I didn't know I "
     "could say I was too tired to talk to them.'", "Discharged from clinic.", "", "",
     "Clinic nurse"),
]

# --------------------------------------------------------------------------- police
POLICE_HEADER = [
    "Occurrence ref", "Date/Time", "End Date/Time", "Incident type", "Details", "Action taken",
    "Officer",
]
POLICE = [
    ("NP-24-080114", "02/07/2024 16:30", "", "Intelligence",
     "Intelligence report: Carlos (15) seen with older youths linked to drug supply around Alder "
     "Park; possible criminal exploitation.", "Shared with MASH and the youth justice service.",
     "PC (neighbourhood)"),
    ("NP-24-083950", "14/07/2024 19:05", "", "Assault",
     "Carlos reported being punched in the face by a group of older boys in the town centre; he "
     "said he did not know them.",
     "Crime recorded. Carlos did not want to make a statement.", "PC (response)"),
    ("NP-24-083950", "15/07/2024 00:00", "", "Information sharing",
     "PPN (vulnerable child notification) submitted to MASH: Carlos hurt by older boys; possible "
     "exploitation.",
     "PPN sent.", "PS (public protection)"),
    ("NP-24-094412", "20/08/2024 11:00", "", "Stop and search",
     "Carlos stopped and searched in Alder Park with two older males; nothing found.",
     "Words of advice; mother informed by phone.", "PC (neighbourhood)"),
    ("NP-24-099801", "03/09/2024 14:00", "", "Meeting",
     "Multi-agency meeting with children's social care, youth justice and school: safety plan "
     "agreed for Carlos as a child at risk of criminal exploitation.",
     "Flag placed on police systems: if Carlos comes to police notice, contact his mother and the "
     "allocated social worker.", "DS (exploitation team)"),
    ("NP-24-117233", "12/10/2024 21:20", "", "Robbery",
     "Robbery reported at Alder Park: a 17-year-old assaulted and his mobile taken by a group of "
     "youths; the description of one suspect was said to match Carlos.", "Enquiries ongoing.",
     "PC (response)"),
    ("NP-24-117240", "12/10/2024 22:05", "", "Wounding",
     "Officers attended Alder Park after a 999 call: Carlos found with a stab wound to his thigh "
     "after being attacked by a group of young people. Carlos treated as a suspect in the earlier "
     "robbery.", "Scene preserved; officer travelled with Carlos to hospital.", "PC (response)"),
    ("NP-24-117233", "13/10/2024 07:45", "", "Arrest",
     "Carlos arrested on Ward 12 on suspicion of robbery when he was discharged from hospital.",
     "Conveyed to Northshire Central custody suite.", "PC (response)"),
    ("NP-24-117233", "13/10/2024 08:05", "13/10/2024 13:10", "Custody",
     "Booked into custody at Northshire Central; detention authorised. Custody record: 'no "
     "contact details for parent'. Appropriate adult requested from the Northshire Appropriate "
     "Adult Volunteer Scheme.", "Police flag for the safety plan not checked.", "Custody sergeant"),
    ("NP-24-117233", "13/10/2024 08:30", "", "Custody healthcare assessment",
     "Custody nurse assessment: Carlos drowsy after a general anaesthetic and in pain; deemed fit "
     "to be detained and fit to be questioned with an appropriate adult.", "Paracetamol given.",
     "Custody nurse"),
    ("NP-24-117233", "13/10/2024 10:15", "", "Custody",
     "Appropriate adult arrived at custody: a volunteer from the Northshire Appropriate Adult "
     "Volunteer Scheme. No family member contacted.", "Consultation with the duty solicitor.",
     "Custody sergeant"),
    ("NP-24-117233", "13/10/2024 10:50", "13/10/2024 11:35", "Interview",
     "Interviewed under caution about the robbery with the volunteer appropriate adult and the "
     "duty solicitor, instead of a family member. Carlos said he was tired and his leg hurt; no "
     "comment interview.", "Released under investigation.", "DC (CID)"),
    ("NP-24-117233", "13/10/2024 13:10", "", "Custody",
     "Released from custody under investigation; left by taxi arranged by custody staff. No "
     "parent contacted.", "", "Custody sergeant"),
    ("NP-24-117412", "14/10/2024 10:30", "", "Complaint",
     "Mother came to the front counter to complain that nobody told her Carlos was in hospital, "
     "was operated on or was held at the police station.", "Complaint recorded and passed to Professional Standards.",
     "Front counter officer"),
    ("NP-24-117240", "15/10/2024 11:00", "", "Strategy discussion",
     "Strategy discussion held with children's social care, youth justice, health and school: "
     "Carlos recognised as a child victim of a serious assault and at risk of exploitation.",
     "NRM update agreed; the wounding investigation to be led by CID.", "DS (exploitation team)"),
    ("NP-24-117240", "29/10/2024 16:00", "", "Investigation",
     "Victim statement taken from Carlos at home about the attack on 12/10, with his mother "
     "present, at a time he chose.", "Two suspects identified.", "DC (CID)"),
    ("NP-24-117233", "18/11/2024 00:00", "", "Investigation",
     "Robbery investigation closed: no further action against Carlos, insufficient evidence.",
     "Carlos and his mother informed by letter.", "DS (CID)"),
    ("NP-24-117240", "02/12/2024 00:00", "", "Charge",
     "Two youths charged with wounding with intent (section 18) for the attack on Carlos.",
     "Carlos and his mother updated in person; victim support referral.", "DC (CID)"),
]

# --------------------------------------------------------------------------- children's social care
CSC_HEADER = [
    "Date", "Contact type", "Team", "Case note", "Outcome / decision", "Child seen (Y/N)",
    "Seen alone (Y/N)", "Child's views", "Worker role",
]
CSC = [
    ("2024-07-15", "Referral", "MASH",
     "Referral received: PPN from police, Carlos punched in the face by a group of older boys; "
     "police intelligence about older youths around Alder Park.",
     "Decision: threshold met for a child and family assessment; allocated to the Assessment "
     "Team.", "N", "", "", "MASH team manager"),
    ("2024-07-16", "Contact", "MASH",
     "Contact from Eastbrook paediatric liaison: Carlos attended ED on 14/07 after an assault, "
     "with his mother.", "Added to the assessment.", "N", "", "", "MASH social worker"),
    ("2024-07-23", "Home visit", "Assessment Team",
     "Home visit: Carlos and his mother seen, then Carlos seen alone. Mother worried about older "
     "youths waiting near the flats.",
     "Mother agreed to share information with the youth justice worker.", "Y", "Y",
     "Everyone thinks I'm trouble. I'm the one getting hit.", "Social worker"),
    ("2024-08-13", "Visit", "Assessment Team",
     "Joint visit with the youth justice worker at the YJS office; Carlos seen with his worker.",
     "Agreed to work together on a safety plan.", "Y", "N",
     "I'll talk to you if it stays between us and my mum.", "Social worker"),
    ("2024-08-28", "Assessment", "Assessment Team",
     "Child and family assessment completed and authorised: Carlos is at risk of criminal "
     "exploitation and has been assaulted twice; his mother is protective.",
     "Outcome: child in need plan; multi-agency meeting to agree a safety plan.", "N", "", "",
     "Team manager"),
    ("2024-09-03", "Meeting", "Assessment Team",
     "Multi-agency meeting with police, youth justice and school: safety plan agreed for Carlos as "
     "a child at risk of criminal exploitation. If he attends hospital or comes to police notice, "
     "his mother and the allocated social worker are to be told straight away.",
     "Safety plan shared with police, YJS, school and Eastbrook paediatric liaison (alert on the "
     "hospital record).", "N", "", "", "Social worker"),
    ("2024-09-04", "Case note", "Children in Need Team",
     "NRM form submitted to the Home Office Single Competent Authority (child criminal "
     "exploitation).", "Awaiting reasonable grounds decision.", "N", "", "", "Social worker"),
    ("2024-09-24", "Home visit", "Children in Need Team",
     "Child in need visit: Carlos seen alone; going to boxing three times a week and spending less "
     "time in Alder Park.", "Plan continues.", "Y", "Y", "Boxing is good. Mum's happier.",
     "Social worker"),
    ("2024-10-14", "Contact", "Duty",
     "Call from Eastbrook paediatric liaison nurse: Carlos was discharged from Ward 12 into police "
     "custody on 13/10, hours after surgery.", "Passed to the allocated social worker.", "N", "",
     "", "Duty social worker"),
    ("2024-10-14", "Telephone call", "Duty",
     "Mother telephoned the duty social worker, upset: nobody had told her Carlos was in hospital, "
     "in surgery or in custody; she found out when he came home in a taxi.",
     "Strategy discussion requested for 15/10.", "N", "", "", "Duty social worker"),
    ("2024-10-15", "Strategy discussion", "Children in Need Team",
     "Strategy discussion held with police, youth justice, health and school: Carlos is a child "
     "victim of a serious assault and at risk of exploitation; the safety plan was not followed "
     "on 12-13 October.",
     "Actions: professional challenge to police custody; hospital to review the discharge; NRM "
     "update.", "N", "", "", "Team manager"),
    ("2024-10-16", "Escalation", "Children in Need Team",
     "Team manager raised a professional challenge with the custody inspector under the "
     "escalation protocol: no parent contacted, a volunteer appropriate adult used while his mother "
     "was available, interview hours after surgery.", "Response requested within 10 working days.",
     "N", "", "", "Team manager"),
    ("2024-10-17", "Home visit", "Children in Need Team",
     "Visit after the assault: Carlos seen alone in his room, walking with crutches.",
     "Safety plan to be reviewed with Carlos and his mother.", "Y", "Y",
     "They treated me like I was the one who did it. I'd just had an operation.", "Social worker"),
    ("2024-10-30", "Escalation", "Children in Need Team",
     "Escalation response received from the custody inspector: the custody record had no parent "
     "contact details; learning shared with custody sergeants; flag checks to be added to the "
     "booking-in process.", "Escalation closed.", "N", "", "", "Team manager"),
    ("2024-11-12", "Meeting", "Children in Need Team",
     "Child in need review meeting: safety plan updated with Carlos and his mother; hospital and "
     "police alerts checked and working.", "Next review February 2025.", "Y", "N",
     "If I end up in hospital again, ring my mum first.", "Social worker"),
    ("2024-12-03", "Home visit", "Children in Need Team",
     "Child in need visit: Carlos seen alone; back at school part-time.", "Plan continues.", "Y",
     "Y", "I feel safer now they've been charged.", "Social worker"),
]

# --------------------------------------------------------------------------- youth justice
YJS_HEADER = ["Date", "Contact type", "Details", "Child seen (Y/N)", "Voice of the child", "Worker"]
YJS_BEFORE = [
    ("24 Jun 2024", "Referral",
     "Referral from police to the Turnaround early intervention programme after Carlos was found "
     "with cannabis (community resolution).", "N", "", "YJS case manager"),
    ("01 Jul 2024", "Home visit",
     "Home visit: Carlos and his mother seen; Carlos seen alone for part of the visit and agreed "
     "to take part.", "Y", "I'm not in a gang. I just know people.", "YJS case manager"),
    ("15 Jul 2024", "Session",
     "Session at the YJS office the day after he was punched by older boys; Carlos is worried "
     "about walking home past Alder Park.", "Y", "I just want to be safe walking home.",
     "YJS case manager"),
    ("05 Aug 2024", "Session",
     "Session about activities; Carlos asked for help to join a boxing club.", "Y",
     "Boxing is the only place nobody bothers me.", "YJS case manager"),
    ("c. Aug 2024", "Activity",
     "Carlos joined Eastside Boxing Club with YJS funding, as he had asked.", "N", "",
     "YJS case manager"),
    ("03 Sep 2024", "Meeting",
     "Multi-agency meeting: safety plan agreed for Carlos as a child at risk of criminal "
     "exploitation; YJS to continue weekly sessions.", "N", "", "YJS case manager"),
    ("16 Sep 2024", "Session",
     "Carlos seen alone at school; exploitation screening tool completed with him.", "Y",
     "If they see me talking to you they'll think I'm snitching.", "YJS case manager"),
    ("30 Sep 2024", "Session",
     "Carlos did not attend his session; his mother said he was scared to go out after dark.",
     "N", "", "YJS case manager"),
]
YJS_AFTER = [
    ("14 Oct 2024", "Telephone",
     "Call from mother: angry that Carlos was questioned at the police station without her; she "
     "has already spoken to children's social care.", "N", "", "YJS case manager"),
    ("15 Oct 2024", "Strategy discussion",
     "Strategy discussion: YJS asked that Carlos be treated as a victim first; agreed.", "N", "",
     "YJS team manager"),
    ("17 Oct 2024", "Home visit",
     "Joint home visit with the social worker; Carlos seen alone for ten minutes.", "Y",
     "I'd just had an operation and they put me in a cell.", "YJS case manager"),
    ("04 Nov 2024", "Session",
     "Session at home while his leg heals; talked about going back to school and boxing.", "Y",
     "I want to go back to boxing when my leg's better.", "YJS case manager"),
    ("25 Nov 2024", "Meeting",
     "Turnaround programme review with Carlos and his mother: good engagement; exit planned for "
     "January.", "Y", "Can I still ring you after it finishes?", "YJS team manager"),
]

# --------------------------------------------------------------------------- school
SCHOOL_HEADER = ["Week commencing", "Details", "Action", "Recorded by"]
SCHOOL = [
    ("Jun 2024", "Carlos's attendance 88% this half term; late most mornings.",
     "Attendance meeting with mother.", "Attendance officer"),
    ("w/c 17/06/2024",
     "Two-day suspension after a fight in the corridor; Carlos said the other boy had threatened "
     "him on the way to school.", "Reintegration meeting with mother.", "Deputy head"),
    ("w/c 15/07/2024",
     "Carlos came to school with bruising to his face after the assault; seen by the DSL.",
     "DSL shared with the social worker.", "DSL"),
    ("w/c 02/09/2024", "DSL attended the multi-agency meeting; safety plan agreed.",
     "Staff briefed on the safety plan.", "DSL"),
    ("w/c 09/09/2024",
     "Carlos given a late pass and a safe route to school, agreed with him.",
     "Reviewed half-termly.", "Head of Year"),
    ("w/c 14/10/2024", "Carlos absent: recovering from a stab wound. Work sent home.",
     "DSL in touch with mother and the social worker.", "DSL"),
    ("w/c 04/11/2024", "Carlos returned on a phased timetable with a lift pass for his leg.",
     "Key adult check-ins daily.", "Head of Year"),
    ("Nov 2024", "Attendance 72% this half term, affected by the injury.",
     "No attendance action; medical absence.", "Attendance officer"),
    ("w/c 25/11/2024",
     "Carlos told his tutor 'people look at me like I'm a criminal now'.",
     "Tutor and DSL to plan a restorative conversation with his class.", "Form tutor"),
]

CASE_TOML = """\
# Carlos: a fictional worked example (see FACTS.md). Written by scripts/samples/build_carlos.py.
case_id = "carlos"
title = "Carlos: discharge failures and dual victimhood"

[[files]]
path = "ambulance.csv"
agency = "ambulance"
expected_events = {ambulance}
note = "Northshire Ambulance Service: separate Date and Time columns"

[[files]]
path = "hospital.xlsx"
agency = "health_acute"
expected_events = {hospital}
note = "Eastbrook General Hospital: title rows; End date/End time close the ED stay and surgery"

[[files]]
path = "police.csv"
agency = "police"
columns = {{ "End Date/Time" = "end_date" }}
expected_events = {police}
note = "Northshire Police: the end of custody and interview is in 'End Date/Time'"

[[files]]
path = "csc.xlsx"
agency = "csc"
expected_events = {csc}
note = "Northshire Children's Services: ISO dates, no title row"

[[files]]
path = "youth_justice.docx"
agency = "youth_justice"
expected_events = {yjs}
note = "Northshire Youth Justice Service: two Word tables, before and after 12 October"

[[files]]
path = "school.docx"
agency = "education"
expected_events = {school}
note = "Hollins Park School: week commencing and month-only dates"
"""


def build(out: Path = OUT) -> Path:
    """Write every Carlos file into ``out`` and return the folder."""
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "ambulance.csv", AMBULANCE_HEADER, AMBULANCE)
    write_csv(out / "police.csv", POLICE_HEADER, POLICE)
    write_xlsx(
        out / "hospital.xlsx",
        [Sheet("ED and ward", HOSPITAL_HEADER, HOSPITAL, titles=HOSPITAL_TITLES,
               widths={0: 13, 1: 8, 2: 20, 3: 15, 4: 70, 5: 45, 6: 13, 7: 9, 8: 20})],
    )
    write_xlsx(
        out / "csc.xlsx",
        [Sheet("Chronology", CSC_HEADER, CSC,
               widths={0: 12, 1: 16, 2: 20, 3: 70, 4: 45, 5: 9, 6: 9, 7: 40, 8: 18})],
    )
    write_docx(
        out / "youth_justice.docx",
        "Northshire Youth Justice Service – chronology: Carlos",
        [
            Table(YJS_HEADER, YJS_BEFORE, heading="Turnaround programme, June to September 2024"),
            Table(YJS_HEADER, YJS_AFTER, heading="After the assault on 12 October 2024"),
        ],
        intro=["Prepared for the Case of Concern review. Fictional worked example."],
    )
    write_docx(
        out / "school.docx",
        "Hollins Park School – safeguarding chronology: Carlos (Year 10)",
        [Table(SCHOOL_HEADER, SCHOOL)],
        intro=["From the school's safeguarding and attendance records."],
    )
    counts = {
        "ambulance": len(AMBULANCE), "hospital": len(HOSPITAL), "police": len(POLICE),
        "csc": len(CSC), "yjs": len(YJS_BEFORE) + len(YJS_AFTER), "school": len(SCHOOL),
    }
    (out / "case.toml").write_text(CASE_TOML.format(**counts), encoding="utf-8")
    return out


if __name__ == "__main__":
    check_case(build())
