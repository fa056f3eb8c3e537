"""Build the Cassie sample case: ``data/samples/cassie`` (fictional).

Cassie, 14, has mental health needs. After an overdose she stays in the emergency department for
16 days 5 hours because there is no coordinated discharge and placement plan; the joint crisis
protocol exists but is applied late and unevenly; escalation starts as an informal phone call that
relies on a personal relationship; community CAMHS help comes months after referral; later
self-harm in placement and a secure accommodation order. Good practice too: a timely strategy
discussion, Cassie seen alone and her views recorded, a prompt return home interview, a statutory
visit within the week.

Agencies and files (each with its own headings and date habits):

- ``police.csv``: Northshire Police, "Date/Time" ``dd/mm/yyyy HH:MM`` (``00:00`` where no time).
- ``csc.csv``: Northshire Children's Services, ISO dates, "Child seen (Y/N)" and "Child's views".
- ``hospital.xlsx``: Riverside Acute Trust, title rows above the header, ``04-Mar-2024`` date
  cells with a separate "Time", and "Discharge date"/"Discharge time" for spans.
- ``placements.xlsx``: Northshire Placements and Commissioning, "Start date"/"End date".
- ``camhs.docx``: Brookfield CAMHS, a Word table with the header repeated mid-table.
- ``school.docx``: Northgate Academy, "Week commencing" (``w/c``) and month-only dates.

Run ``python scripts/samples/build_cassie.py`` (or ``scripts/build_samples.py`` for all cases).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _writers import Sheet, Table, check_case, write_csv, write_docx, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "samples" / "cassie"

# --------------------------------------------------------------------------- police
POLICE_HEADER = ["Occurrence ref", "Date/Time", "Incident type", "Details", "Action taken", "Officer"]
POLICE = [
    ("NP-23-118402", "14/01/2024 23:40", "Missing person",
     "Mother reported Cassie missing from home after an argument; Cassie had left the house at "
     "about 22:00 without her phone charger. Graded medium risk.",
     "Officers searched local park and bus station; friends contacted.", "PC (response)"),
    ("NP-23-118402", "15/01/2024 01:10", "Missing person",
     "Cassie located safe and well at a friend's address on Orchard Rise. Spoke with officers, "
     "said 'I just needed to get out, we were screaming at each other.'",
     "Returned home to mother. Return home interview requested via MASH.", "PC (response)"),
    ("NP-24-002211", "15/01/2024 00:00", "Information sharing",
     "PPN (vulnerable child notification) submitted to MASH following the missing person report: "
     "conflict at home, mother struggling, earlier concerns about Cassie's emotional health.",
     "PPN sent to MASH.", "PS (public protection)"),
    ("NP-24-031877", "04/03/2024 13:05", "Concern for welfare",
     "999 call from a member of the public: girl on the footbridge over the railway at Millbrook "
     "Road. Officers attended; Cassie (14) said she had taken an overdose of paracetamol at about "
     "12:30.",
     "Ambulance delayed; officers conveyed Cassie to Riverside ED, arrived 14:10. Mother informed "
     "by phone.", "PC (response)"),
    ("NP-24-031877", "06/03/2024 10:00", "Strategy discussion",
     "Strategy discussion held with children's social care, health and CAMHS about Cassie in ED "
     "after overdose: s47 threshold not met; agreed single-agency police role is limited.",
     "No further police action. Markers added to the home address.", "DS (public protection)"),
    ("NP-24-033190", "09/03/2024 22:10", "Concern for welfare",
     "Police called to Riverside ED as Cassie tried to leave the department in distress; staff "
     "concerned for her safety.",
     "Officers spoke with Cassie, who agreed to return to the cubicle. Officers left 23:05.",
     "PC (response)"),
    ("NP-24-036512", "16/03/2024 00:00", "Information sharing",
     "Request from Riverside ED safeguarding team for police history to support placement "
     "referrals. Police history shared with ED and children's social care.",
     "Information shared under the information sharing agreement.", "Police staff (MASH)"),
    ("NP-24-061045", "19/05/2024 23:50", "Concern for welfare",
     "Police called to Willowbank House by staff: Cassie had tied a ligature in her bedroom; staff "
     "had cut it and she was conscious and talking.",
     "Officers waited with Cassie until the ambulance arrived; she was conveyed to Riverside ED.",
     "PC (response)"),
    ("NP-24-061045", "20/05/2024 14:00", "Strategy discussion",
     "Strategy discussion held with children's social care, health, CAMHS and Willowbank House "
     "after ligature incident: risk escalating despite placement.",
     "Police supported the plan to apply for secure accommodation. No crime.",
     "DS (public protection)"),
    ("NP-24-070333", "12/06/2024 00:00", "Information sharing",
     "Police checks completed for the secure accommodation review hearing.",
     "Report sent to local authority legal services.", "Police staff (MASH)"),
]

# --------------------------------------------------------------------------- children's social care
CSC_HEADER = [
    "Date", "Contact type", "Team", "Case note", "Outcome / decision", "Child seen (Y/N)",
    "Seen alone (Y/N)", "Child's views", "Worker role",
]
CSC = [
    ("2023-12-04", "Contact", "MASH",
     "Contact received from Northgate Academy DSL: Cassie disclosed cutting her arms; low mood; "
     "arguments with mother. School has referred to CAMHS.",
     "Screened: below threshold for statutory services. Signposted to Early Help; consent from "
     "mother for Early Help offer.", "N", "", "", "MASH social worker"),
    ("2024-01-16", "Referral", "MASH",
     "Referral received: PPN from police after Cassie went missing from home on 14/01 following an "
     "argument with mother. Second contact in six weeks.",
     "Decision: threshold met, progressed to child and family assessment; allocated to Assessment "
     "Team.", "N", "", "", "MASH team manager"),
    ("2024-01-17", "Return home interview", "Missing Children Service",
     "Return home interview with Cassie at school, within 72 hours of her return. Cassie said the "
     "arguments are about school and her phone; no exploitation concerns identified.",
     "Shared with the allocated social worker. Cassie agreed to see the school counsellor.",
     "Y", "Y", "I just needed to get out. Mum works nights and we fight when she's tired.",
     "Return interview worker"),
    ("2024-01-23", "Home visit", "Assessment Team",
     "Home visit for the child and family assessment. Mother and Cassie seen together, then Cassie "
     "seen alone in her bedroom. Mother says she cannot cope with Cassie's moods.",
     "Mother agreed to a family support worker. Assessment continues.", "Y", "Y",
     "I feel like a burden. Nobody at home asks how I am, they just tell me off.",
     "Social worker"),
    ("2024-02-06", "Visit", "Assessment Team",
     "Visited Cassie at school. Cassie seen alone; she drew a picture of her week and talked about "
     "feeling 'numb'. Discussed CAMHS wait with Head of Year.",
     "Social worker to ask CAMHS to review waiting list priority.", "Y", "Y",
     "I want someone to talk to who isn't going to get cross.", "Social worker"),
    ("2024-02-07", "Telephone call", "Assessment Team",
     "Telephone call to Brookfield CAMHS asking for Cassie's waiting list priority to be reviewed "
     "in light of the missing episode.",
     "CAMHS said the referral is prioritised as routine; no change.", "N", "", "", "Social worker"),
    ("2024-02-27", "Assessment", "Assessment Team",
     "Child and family assessment completed and authorised: emotional harm from conflict at home, "
     "self-harm, unmet mental health needs. Cassie's views recorded throughout.",
     "Outcome: child in need plan; family support worker; CAMHS to be asked again to expedite.",
     "N", "", "", "Team manager"),
    ("2024-02-29", "Meeting", "Assessment Team",
     "Child in need meeting with mother, school and family support. Cassie chose not to attend; "
     "her views were shared by the social worker from the visit on 06/02.",
     "CIN plan agreed; review in 6 weeks.", "N", "", "", "Social worker"),
    ("2024-03-04", "Contact", "MASH",
     "Contact from Riverside ED paediatric liaison nurse: Cassie brought in by police after an "
     "overdose; mother says she will not take Cassie home.",
     "Passed to the allocated social worker; duty social worker to visit ED tomorrow.", "N", "", "",
     "MASH social worker"),
    ("2024-03-05", "Visit", "Assessment Team",
     "Visited Cassie in Riverside ED. Cassie seen alone in the cubicle; she does not want to go "
     "home. Mother met at ED: refuses to have Cassie home; agreed to s20 accommodation.",
     "Placement request sent to the Placements Team. Strategy discussion requested.", "Y", "Y",
     "I'm not going back there. I don't want to die, I just don't want to be at home.",
     "Social worker"),
    ("2024-03-06", "Strategy discussion", "Assessment Team",
     "Strategy discussion held with police, health and CAMHS about Cassie in ED after overdose: "
     "threshold for child protection not met, her needs are for care and mental health support; "
     "Cassie to become looked after under s20.",
     "Agreed: placement search; ED to keep Cassie safe meanwhile; professionals meeting if no "
     "placement within 72 hours.", "N", "", "", "Team manager"),
    ("2024-03-08", "Case note", "Assessment Team",
     "ED matron telephoned the team manager: Cassie tied a ligature overnight in the ED toilet. "
     "Matron asked when a placement will be found.",
     "Told the search is ongoing; no date. No professionals meeting arranged yet.", "N", "", "",
     "Team manager"),
    ("2024-03-11", "Meeting", "Assessment Team",
     "Professionals meeting (Teams) with ED, CAMHS and Placements: no placement identified; ED says "
     "the department is not a safe place for Cassie. First meeting under the joint crisis protocol, "
     "which expects one within 72 hours of a child being medically fit.",
     "No agreed discharge plan. Actions: widen the search; CAMHS to advise on placement type.",
     "N", "", "", "Team manager"),
    ("2024-03-13", "Visit", "Children in Care Team",
     "Visited Cassie in ED (day 9). Cassie seen alone; she asked to live with her maternal aunt.",
     "Social worker to ask the aunt, as Cassie wished.", "Y", "Y",
     "Nobody tells me anything. Can I go to Auntie Lou's? She gets me.", "Social worker"),
    ("2024-03-14", "Telephone call", "Children in Care Team",
     "Telephone call with the maternal aunt about caring for Cassie: the aunt is recovering from "
     "surgery and cannot care for her now; wants to keep in touch.",
     "Cassie told the outcome the same day; family time with the aunt to be arranged.", "N", "", "",
     "Social worker"),
    ("2024-03-15", "Escalation", "Children in Care Team",
     "Escalation received from the Riverside named nurse under the escalation protocol (stage 1): "
     "Cassie 10 days in ED with no discharge plan.",
     "Team manager response sent: search ongoing, no alternative; escalated to the Head of "
     "Service.", "N", "", "", "Team manager"),
    ("2024-03-18", "Escalation", "Children in Care Team",
     "Escalation outcome: Head of Service approved an emergency solo placement at Willowbank House "
     "at enhanced cost; escalation resolved and closed.",
     "Move planned for 20/03 with the social worker; CAMHS handover requested.", "N", "", "",
     "Head of Service"),
    ("2024-03-20", "Placement", "Children in Care Team",
     "Cassie placed at Willowbank House (solo emergency placement), accompanied from Riverside ED "
     "by the social worker.",
     "Mother informed by phone the same evening that Cassie had moved.", "Y", "N",
     "Is it a proper house? Will I have my own room?", "Social worker"),
    ("2024-03-26", "Statutory visit", "Children in Care Team",
     "Statutory visit to Willowbank House within a week of the placement starting. Cassie seen "
     "alone in her room.",
     "Placement plan signed. Cassie to start back at school on a reduced timetable.", "Y", "Y",
     "The staff are alright, they actually listen. I miss my cat.", "Social worker"),
    ("2024-04-09", "CLA review", "Independent Reviewing Service",
     "First looked after review chaired by the IRO. Cassie attended her review and spoke about "
     "wanting to stay at Willowbank and go back to school.",
     "Care plan agreed; IRO asked for CAMHS to attend the next review.", "Y", "N",
     "I want to stay here and go back to school properly.", "IRO"),
    ("2024-04-15", "Case note", "Children in Care Team",
     "Notification from Willowbank House that Cassie cut her forearms last night and was treated at "
     "Riverside ED; returned to the placement at 01:20.",
     "Social worker spoke to Cassie by phone; placement safety plan updated.", "N", "", "",
     "Social worker"),
    ("2024-04-16", "Escalation", "Children in Care Team",
     "Social worker escalated to the CAMHS service manager: Cassie still waiting for CAMHS five "
     "months after referral, now self-harming in placement.",
     "Response received from CAMHS: first appointment offered for 29/04.", "N", "", "", "Social worker"),
    ("2024-05-02", "Statutory visit", "Children in Care Team",
     "Statutory visit to Willowbank House. Cassie seen alone; low mood, not sleeping.",
     "Agreed weekly phone check-ins between visits.", "Y", "Y",
     "CAMHS is alright but it's once a fortnight. The nights are the worst.", "Social worker"),
    ("2024-05-20", "Strategy discussion", "Children in Care Team",
     "Strategy discussion held with police, health, CAMHS and Willowbank House after Cassie tied a "
     "ligature at the placement last night; she is on the paediatric ward.",
     "Agreed to seek a secure accommodation order as a last resort; legal planning meeting today.",
     "N", "", "Lock me up then, nobody else can keep me safe.", "Team manager"),
    ("2024-05-21", "Visit", "Children in Care Team",
     "Visited Cassie on Kestrel Ward before discharge; Cassie seen alone and told about the secure "
     "accommodation application in words she could follow.",
     "Cassie's views to be put to the court; advocate referral made.", "Y", "Y",
     "I don't want to be locked up but I don't want to keep doing this either.", "Social worker"),
    ("2024-05-23", "Court", "Legal",
     "Family Court granted a secure accommodation order (s25 Children Act 1989) for three months. "
     "Cassie's advocate attended and presented her views.",
     "Secure placement at Larkspur Secure Children's Home to start 24/05.", "N", "", "",
     "Social worker"),
    ("2024-05-30", "Statutory visit", "Children in Care Team",
     "Statutory visit to Larkspur Secure Children's Home. Cassie seen alone.",
     "Agreed plan for family time with mother and aunt.", "Y", "Y",
     "It's strict but I feel safe here. I can sleep.", "Social worker"),
    ("2024-06-18", "CLA review", "Independent Reviewing Service",
     "Looked after review at Larkspur, CAMHS in-reach practitioner attended. Cassie contributed to "
     "her plan and chose her step-down goals.",
     "Plan: step-down to a therapeutic children's home when the order ends.", "Y", "N",
     "I want to go somewhere with the same people every day.", "IRO"),
]

# --------------------------------------------------------------------------- hospital
D = dt.date
HOSPITAL_TITLES = [
    "Chronology of involvement – Riverside Acute Trust – CONFIDENTIAL",
    "Child: Cassie (case of concern review). Emergency Department, Paediatrics and Paediatric "
    "Liaison. Prepared by the Named Nurse for Safeguarding Children.",
]
HOSPITAL_HEADER = [
    "Date", "Time", "Department", "Contact type", "Details", "Outcome", "Discharge date",
    "Discharge time", "Staff role",
]
HOSPITAL = [
    (D(2024, 3, 4), "14:10", "Emergency Department", "ED attendance",
     "Brought to ED by police after a paracetamol overdose taken at about 12:30. Stayed in the ED "
     "(cubicle 6, then the paediatric assessment bay) for the whole episode: medically fit from "
     "05/03 but no safe place to go.",
     "Left the ED for Willowbank House with her social worker.", D(2024, 3, 20), "19:10",
     "ED consultant"),
    (D(2024, 3, 4), "14:25", "Emergency Department", "Triage",
     "Triaged by ED nurse: alert, tearful. Paracetamol level and bloods taken; NAC infusion started "
     "15:40.", "Observations hourly.", "", "", "ED nurse"),
    (D(2024, 3, 4), "16:40", "Paediatric Liaison", "Safeguarding",
     "Paediatric liaison nurse made a safeguarding referral to children's social care by phone; "
     "mother present in ED and says she cannot have Cassie home.",
     "MASH to pass to the allocated social worker.", "", "", "Paediatric liaison nurse"),
    (D(2024, 3, 5), "11:10", "Paediatrics", "Medical review",
     "Medically fit after NAC treatment; no medical reason to stay. Cassie to remain in ED until "
     "social care find somewhere safe for her to go.",
     "Paediatric liaison to follow up daily.", "", "", "Paediatric registrar"),
    (D(2024, 3, 7), "16:00", "Emergency Department", "Escalation",
     "ED matron escalated concerns informally by phone to the Head of Service at Children's "
     "Services, whom she knew from a previous role: Cassie on day 3 in ED with no plan.",
     "Told a placement search is under way. No outcome recorded.", "", "", "ED matron"),
    (D(2024, 3, 8), "02:30", "Emergency Department", "Self-harm",
     "Cassie tied a ligature from a gown cord in the ED toilet; removed by a nurse, no injury.",
     "1:1 nursing started; CAMHS liaison asked to review today.", "", "", "ED nurse"),
    (D(2024, 3, 9), "22:05", "Emergency Department", "",
     "Cassie tried to leave the department in distress; security and police called. She returned "
     "to her cubicle after talking with officers.",
     "1:1 nursing continued.", "", "", "ED nurse in charge"),
    (D(2024, 3, 10), "11:00", "Paediatric Liaison", "Liaison review",
     "Paediatric liaison nurse review on day 7: Cassie sleeping poorly under the lights, bored, "
     "no schoolwork. Cassie said 'Nobody tells me anything, I just sit in this room.'",
     "Asked school for work; asked the social worker to update Cassie.", "", "",
     "Paediatric liaison nurse"),
    (D(2024, 3, 12), "09:30", "Emergency Department", "Datix",
     "Incident report (Datix) submitted: a child in the ED for 8 days with no agreed plan for "
     "where she goes next; ED environment unsuitable for her mental health.",
     "Copied to the Named Nurse for Safeguarding.", "", "", "ED matron"),
    (D(2024, 3, 13), "14:00", "Paediatric Liaison", "Liaison review",
     "Paediatric liaison nurse spent time with Cassie, who asked to go outside: escorted to the "
     "hospital garden for 20 minutes, as she had asked.",
     "Daily outside time added to her care plan.", "", "", "Paediatric liaison nurse"),
    (D(2024, 3, 14), "10:00", "Safeguarding", "Escalation",
     "Named Nurse escalated under the Northshire escalation protocol (stage 1) to the CSC team "
     "manager: Cassie 10 days in ED, no coordinated plan.",
     "Response awaited.", "", "", "Named Nurse for Safeguarding"),
    (D(2024, 3, 16), "12:00", "Safeguarding", "Escalation",
     "Stage 2 escalation by the Named Nurse to the Designated Nurse (ICB) and the Assistant "
     "Director, Children's Services, under the escalation protocol.",
     "Assistant Director to review placement options on Monday.", "", "",
     "Named Nurse for Safeguarding"),
    (D(2024, 3, 17), "15:00", "Emergency Department", "",
     "Hospital youth worker spent the afternoon with Cassie (day 14); work pack from Northgate "
     "Academy completed together.",
     "", "", "", "Hospital youth worker"),
    (D(2024, 3, 20), "19:10", "Emergency Department", "Discharge",
     "Discharged from ED to Willowbank House with the social worker; discharge summary sent to the "
     "GP and children's social care.",
     "CAMHS community follow-up requested in the summary.", "", "", "ED consultant"),
    (D(2024, 4, 14), "21:35", "Emergency Department", "ED attendance",
     "Attended ED with Willowbank staff after self-inflicted cuts to both forearms; wounds cleaned "
     "and closed with steri-strips.",
     "Returned to Willowbank House with staff at 01:20. CAMHS follow-up advised.",
     D(2024, 4, 15), "01:20", "ED doctor"),
    (D(2024, 5, 20), "00:35", "Kestrel Ward", "Admission",
     "Admitted to Kestrel Ward (paediatrics) via ED after a ligature at her placement; neck "
     "marks, no lasting injury.",
     "1:1 nursing; CAMHS review requested.", D(2024, 5, 21), "16:00", "Paediatric registrar"),
    (D(2024, 5, 20), "10:00", "Paediatric Liaison", "Safeguarding",
     "Paediatric liaison nurse shared details of the admission with the social worker and CAMHS.",
     "Liaison nurse to attend the multi-agency discussion this afternoon.", "", "", "Paediatric liaison nurse"),
    (D(2024, 5, 21), "16:00", "Kestrel Ward", "Discharge",
     "Discharged from Kestrel Ward back to Willowbank House with two staff; social worker and "
     "mother informed.",
     "Discharge summary sent to GP, CSC and CAMHS.", "", "", "Ward nurse"),
]

# --------------------------------------------------------------------------- placements
PLACEMENTS_TITLES = [
    "Northshire Council – Placements and Commissioning Team",
    "Chronology for the Case of Concern review: Cassie. OFFICIAL-SENSITIVE",
]
PLACEMENTS_HEADER = ["Start date", "End date", "Activity", "Details", "Outcome", "Officer role"]
PLACEMENTS = [
    ("05/03/2024", "", "Placement request",
     "Referral received from the Assessment Team for an emergency residential placement: girl "
     "aged 14, high risk to herself, currently in Riverside ED.",
     "Sent to 12 providers on the regional framework.", "Placement officer"),
    ("07/03/2024", "", "Provider responses",
     "12 of 12 providers declined: no vacancy (7), risk to herself too high for the home (5).",
     "Search widened.", "Placement officer"),
    ("08/03/2024", "", "Search widened",
     "Search widened to 25 providers nationally, including solo arrangements.",
     "Responses chased daily.", "Placement officer"),
    ("11/03/2024", "", "Professionals meeting",
     "Attended the professionals meeting: no placement identified; asked CAMHS what kind of home "
     "Cassie needs.", "CAMHS advice noted for the search.", "Placement officer"),
    ("12/03/2024", "", "Provider responses",
     "23 of 25 providers declined and 2 gave no response. Two unregistered providers offered beds; "
     "not considered because Cassie is under 16.", "No offer.", "Placement officer"),
    ("14/03/2024", "", "Sufficiency",
     "Sufficiency report to the Head of Commissioning: no suitable regulated homes for children "
     "at risk of hurting themselves; Cassie on day 10 in ED.", "Noted for the sufficiency strategy.",
     "Commissioning manager"),
    ("18/03/2024", "", "Placement panel",
     "Placement panel agreed an emergency solo placement at Willowbank House (registered "
     "children's home) at enhanced cost, following the Head of Service's decision.",
     "Start agreed for 20/03.", "Commissioning manager"),
    ("20/03/2024", "24/05/2024", "Placement start",
     "Placement started at Willowbank House (solo, registered children's home, two waking staff "
     "at night).", "Ended 24/05/2024 on the move to secure accommodation.", "Placement officer"),
    ("14/04/2024", "", "Self-harm incident",
     "Willowbank House incident report: Cassie cut her forearms in her room at about 21:00; staff "
     "took her to Riverside ED.", "Shared with the social worker.", "Placement officer"),
    ("22/04/2024", "", "Placement monitoring",
     "Monitoring call with Willowbank: placement stable but staff want CAMHS advice on night-time "
     "risk.", "Asked the social worker to chase CAMHS.", "Placement officer"),
    ("20/05/2024", "", "Secure bed search",
     "Secure bed search started through the national secure welfare coordination unit.",
     "Daily bed list checked.", "Commissioning manager"),
    ("23/05/2024", "", "Secure bed",
     "Secure bed identified at Larkspur Secure Children's Home from 24/05.",
     "Transport and handover arranged.", "Commissioning manager"),
    ("24/05/2024", "", "Placement start",
     "Placement started at Larkspur Secure Children's Home under a secure accommodation order.",
     "Ongoing when this chronology was written.", "Placement officer"),
]

# --------------------------------------------------------------------------- CAMHS
CAMHS_HEADER = [
    "Date of contact", "Contact type", "Summary of contact", "Outcome", "Seen (Y/N)",
    "Child's views", "Clinician",
]
CAMHS = [
    ("16/11/2023", "Referral",
     "Referral received from Northgate Academy via the single point of access: low mood, cutting "
     "her arms, withdrawn.",
     "Screened as routine. Added to the Getting Help waiting list; estimated wait 18 weeks.", "N",
     "", "Duty clinician"),
    ("approx 20/11/2023", "Letter",
     "Letter to mother and school confirming the waiting list and the crisis line numbers.", "",
     "N", "", "Administrator"),
    ("10/01/2024", "Telephone",
     "Waiting list risk check by phone with mother: Cassie 'up and down'; no new injuries reported "
     "to mother.", "No change to priority.", "N", "", "Waiting list clinician"),
    ("07/02/2024", "Telephone",
     "Telephone call from the social worker asking for Cassie's waiting list priority to be "
     "reviewed after the missing episode.",
     "Discussed at the waiting list meeting: kept as routine.", "N", "", "Waiting list clinician"),
    ("05/03/2024", "Assessment",
     "Psychosocial assessment in Riverside ED by the CAMHS liaison practitioner, the day after the "
     "overdose. Cassie seen alone. Not detainable; no indication for a Tier 4 bed; needs a safe, "
     "supportive placement and community CAMHS follow-up.",
     "Daily liaison contact while in ED; fast-track to the Getting Help team recommended.", "Y",
     "I don't want to die. I want to not go home.", "CAMHS liaison practitioner"),
    ("08/03/2024", "Assessment",
     "Reassessment in ED after the ligature overnight: risk higher; distress linked to the ED "
     "environment and not knowing what will happen.",
     "Recommended RMN 1:1 and an urgent placement; Tier 4 not indicated.", "Y",
     "It's like being in a fish tank. Everyone walks past and looks.",
     "CAMHS liaison practitioner"),
    ("11/03/2024", "Meeting",
     "Professionals meeting: CAMHS advised a small, consistent, registered home with "
     "trauma-informed staff rather than a Tier 4 bed.", "", "N", "", "CAMHS liaison practitioner"),
    ("19/03/2024", "Letter",
     "Handover letter to the social worker and Willowbank House: Cassie remains on the Getting Help "
     "waiting list; crisis line details given.", "", "N", "", "CAMHS liaison practitioner"),
    ("16/04/2024", "Telephone",
     "The social worker rang the service manager asking for Cassie to be seen urgently after she "
     "cut her arms at the placement.", "First appointment offered for 29/04.", "N", "",
     "Service manager"),
    ("29/04/2024", "Assessment",
     "Initial Getting Help assessment in clinic: Cassie's first community CAMHS assessment, five "
     "months after the school's referral. Cassie seen alone.",
     "CBT-informed sessions offered fortnightly.", "Y",
     "I've been waiting so long I forgot what I wanted to say.", "CAMHS practitioner"),
    ("07/05/2024", "Appointment",
     "Cassie did not attend: Willowbank House had no driver available.", "Rebooked for 14/05.",
     "N", "", "CAMHS practitioner"),
    ("14/05/2024", "Appointment",
     "First CBT-informed session. Cassie seen alone and engaged well.", "Next session 28/05.", "Y",
     "Writing things down helps a bit.", "CAMHS practitioner"),
    ("21/05/2024", "Assessment",
     "Urgent CAMHS assessment on Kestrel Ward after the ligature at the placement: high risk; "
     "supports a secure placement while therapy continues.", "In-reach to follow her to Larkspur.",
     "Y", "I don't know how to stop.", "CAMHS consultant psychiatrist"),
    ("04/06/2024", "Appointment",
     "In-reach clinic at Larkspur: weekly therapy started with the CAMHS in-reach practitioner.",
     "Weekly sessions.", "Y", "Same person every week is better.", "CAMHS in-reach practitioner"),
]

# --------------------------------------------------------------------------- school
SCHOOL_HEADER = ["Week commencing", "Information", "Action taken", "Staff member"]
SCHOOL = [
    ("w/c 06/11/2023",
     "Form tutor noticed Cassie withdrawn and wearing long sleeves in PE; shared with the DSL.",
     "DSL to speak to Cassie.", "Form tutor"),
    ("w/c 13/11/2023",
     "Cassie disclosed self-harm to the school nurse: cutting her arms for about two months. She "
     "said 'it's the only thing that makes the noise stop'.",
     "Referral to CAMHS single point of access; mother informed.", "School nurse"),
    ("w/c 04/12/2023",
     "DSL contacted MASH with concerns about Cassie's cutting and the arguments at home.",
     "MASH advised an Early Help referral; referral sent, no allocation yet.", "DSL"),
    ("Nov 2023", "Attendance this half term 81%; frequent late arrivals on Mondays.",
     "Attendance officer letter to mother.", "Attendance officer"),
    ("w/c 08/01/2024",
     "Cassie arrived upset after an argument at home; said 'Mum says she can't cope with me any "
     "more.'", "Seen by the DSL; time in the wellbeing room.", "DSL"),
    ("w/c 22/01/2024",
     "Cassie started weekly sessions with the school counsellor, which she had agreed to after "
     "going missing in January.", "Counsellor to share concerns with the DSL.", "School counsellor"),
    ("Feb 2024",
     "Art teacher noticed drawings with dark themes; shared with the DSL.",
     "Shared with the social worker.", "Art teacher"),
    ("w/c 04/03/2024", "Cassie absent all week; mother told the office Cassie was in hospital.",
     "DSL contacted the social worker.", "Attendance officer"),
    ("w/c 11/03/2024",
     "Head of Year visited Cassie in Riverside ED with a work pack; Cassie asked about her friends "
     "and her art coursework.", "Work packs sent weekly while she is in hospital.", "Head of Year"),
    ("w/c 08/04/2024",
     "Cassie returned to Northgate on a reduced timetable (mornings) with a key adult check-in "
     "each day.", "Timetable reviewed fortnightly.", "Head of Year"),
    ("w/c 06/05/2024",
     "Cassie told her key adult she feels 'like the odd one out' on the reduced timetable and "
     "wants full days.", "At her request, timetable increased to three full days.", "Key adult"),
    ("Jun 2024",
     "Education now provided at Larkspur Secure Children's Home; Northgate shared Cassie's work and "
     "targets with the Larkspur teacher.", "Dual registration agreed.", "DSL"),
]

CASE_TOML = """\
# Cassie: a fictional worked example (see FACTS.md). Written by scripts/samples/build_cassie.py.
case_id = "cassie"
title = "Cassie: system drift, missed protocols and emotional safety"

[[files]]
path = "police.csv"
agency = "police"
expected_events = {police}
note = "Northshire Police: Date/Time dd/mm/yyyy HH:MM, 00:00 where no time was recorded"

[[files]]
path = "csc.csv"
agency = "csc"
expected_events = {csc}
note = "Northshire Children's Services: ISO dates, child seen, seen alone and the child's views"

[[files]]
path = "hospital.xlsx"
agency = "health_acute"
sheet = "Chronology"
expected_events = {hospital}
note = "Riverside Acute Trust: title rows above the header; Discharge date/time closes spans"

[[files]]
path = "placements.xlsx"
agency = "placements"
expected_events = {placements}
note = "Placements and Commissioning: Start date / End date"

[[files]]
path = "camhs.docx"
agency = "health_camhs"
expected_events = {camhs}
note = "Brookfield CAMHS: Word table, header row repeated where the table was pasted page by page"

[[files]]
path = "school.docx"
agency = "education"
expected_events = {school}
note = "Northgate Academy: week commencing and month-only dates"
"""


def build(out: Path = OUT) -> Path:
    """Write every Cassie file into ``out`` and return the folder."""
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "police.csv", POLICE_HEADER, POLICE)
    write_csv(out / "csc.csv", CSC_HEADER, CSC)
    write_xlsx(
        out / "hospital.xlsx",
        [Sheet("Chronology", HOSPITAL_HEADER, HOSPITAL, titles=HOSPITAL_TITLES,
               widths={0: 13, 1: 8, 2: 20, 3: 16, 4: 70, 5: 45, 6: 13, 7: 10, 8: 22})],
    )
    write_xlsx(
        out / "placements.xlsx",
        [Sheet("Placements", PLACEMENTS_HEADER, PLACEMENTS, titles=PLACEMENTS_TITLES,
               widths={0: 12, 1: 12, 2: 20, 3: 70, 4: 40, 5: 22})],
    )
    write_docx(
        out / "camhs.docx",
        "Brookfield CAMHS – chronology of involvement with Cassie",
        [Table(CAMHS_HEADER, CAMHS, repeat_header_after=[6])],
        intro=[
            "Northshire Mental Health Partnership NHS Trust. Prepared for the Case of Concern "
            "review. Fictional worked example.",
        ],
        footer=["Author: CAMHS safeguarding lead."],
    )
    write_docx(
        out / "school.docx",
        "Northgate Academy – safeguarding chronology: Cassie (Year 9)",
        [Table(SCHOOL_HEADER, SCHOOL)],
        intro=["Taken from the school's safeguarding records. Dates are the week of the entry."],
    )
    counts = {
        "police": len(POLICE), "csc": len(CSC), "hospital": len(HOSPITAL),
        "placements": len(PLACEMENTS), "camhs": len(CAMHS), "school": len(SCHOOL),
    }
    (out / "case.toml").write_text(CASE_TOML.format(**counts), encoding="utf-8")
    return out


if __name__ == "__main__":
    check_case(build())
