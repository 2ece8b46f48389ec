"""Word lists the synthetic exports are built from (names, event types, places, reasons).

Plain Python data; `loader.synth.sql` turns them into SQL list literals so DuckDB can pick
from them row by row.
"""

from __future__ import annotations

from dataclasses import dataclass

FIRM_DOMAIN = "harborpointadvisors.example"
FIRM_NAME = "Harbor Point Advisors"

FIRST_NAMES = (
    "Ann",
    "Bo",
    "Carla",
    "Dev",
    "Emma",
    "Frank",
    "Grace",
    "Hiro",
    "Isabel",
    "Jose",
    "Karen",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Will",
    "Xin",
    "Yara",
    "Zoe",
    "Aaron",
    "Beatriz",
    "Chloe",
    "Daniel",
    "Elena",
    "Farid",
    "Gabriel",
    "Hannah",
    "Ivan",
    "Julia",
    "Kenji",
    "Laura",
    "Marco",
    "Nadia",
    "Oscar",
    "Priya",
    "Rahul",
    "Sofia",
    "Thomas",
    "Ursula",
    "Victor",
    "Wendy",
    "Yusuf",
    "Amara",
    "Brian",
    "Catherine",
    "David",
    "Eleanor",
    "Felix",
    "George",
    "Helen",
    "Irene",
    "Jack",
    "Katherine",
    "Leo",
    "Margaret",
    "Nathan",
    "Patricia",
    "Richard",
    "Susan",
    "Timothy",
    "Anjali",
    "Mei",
    "Kwame",
    "Ingrid",
    "Mateo",
    "Aisha",
    "Lucas",
)
LAST_NAMES = (
    "Lee",
    "Chen",
    "Diaz",
    "Patel",
    "Rossi",
    "O'Neil",
    "Kim",
    "Tanaka",
    "Garcia",
    "Morales",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Martinez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Novak",
    "Kowalski",
    "Schmidt",
    "Muller",
    "Dubois",
    "Silva",
    "Santos",
    "Okafor",
    "Mensah",
    "Haddad",
    "Cohen",
    "Friedman",
    "McCarthy",
    "Van der Berg",
    "De Luca",
    "Singh",
)
PERSONAL_DOMAINS = (
    # gmail.com repeated: it is the most common provider, and the one with dot/alias rules.
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "icloud.com",
    "hotmail.com",
    "aol.com",
    "comcast.net",
)
COMPANIES = (
    ("Northwind Logistics", "northwindlogistics.com"),
    ("Brightwater Dental", "brightwaterdental.com"),
    ("Cedar & Pine Architects", "cedarpine.com"),
    ("Bluefin Analytics", "bluefinanalytics.io"),
    ("Summit Orthopedics", "summitortho.com"),
    ("Red Barn Farms", "redbarnfarms.com"),
    ("Harbor Street Bakery", "harborstreetbakery.com"),
    ("Keystone Legal LLP", "keystonelegal.com"),
    ("Atlas Machine Works", "atlasmachine.com"),
    ("Maple Leaf Veterinary", "mapleleafvet.com"),
    ("Quantum Roofing", "quantumroofing.com"),
    ("Greenline Energy", "greenline-energy.com"),
    ("Silver Oak Realty", "silveroakrealty.com"),
    ("Tidewater Marine", "tidewatermarine.com"),
    ("Evergreen Pediatrics", "evergreenpeds.org"),
    ("Copperline Software", "copperline.dev"),
    ("Lakeside Family Practice", "lakesidefp.com"),
    ("Ironwood Construction", "ironwoodbuild.com"),
    ("Sunrise Senior Living", "sunriseliving.org"),
    ("Beacon Hill Consulting", "beaconhillconsulting.com"),
)
JOB_TITLES = (
    "Owner",
    "CEO",
    "CFO",
    "Physician",
    "Dentist",
    "Attorney",
    "Engineer",
    "Teacher",
    "Retired",
    "Nurse",
    "Architect",
    "Software Developer",
    "Consultant",
    "Professor",
)

# Calendly shows zones by display name (not IANA); Eastern dominates for a Boston firm.
TIME_ZONES = (
    "Eastern Time - US & Canada",
    "Eastern Time - US & Canada",
    "Eastern Time - US & Canada",
    "Eastern Time - US & Canada",
    "Eastern Time - US & Canada",
    "Central Time - US & Canada",
    "Central Time - US & Canada",
    "Mountain Time - US & Canada",
    "Pacific Time - US & Canada",
    "Pacific Time - US & Canada",
    "Arizona, Yukon Time",
    "India Standard Time",
    "UK, Ireland, Lisbon Time",
    "Central European Time",
)


@dataclass(frozen=True)
class Host:
    """An advisor at the firm (Calendly `User Name`/`User Email`, Cal.com `userEmail`)."""

    name: str
    email: str
    username: str
    lacrm_user_id: int


HOSTS = (
    Host("Maria Gomez", f"maria@{FIRM_DOMAIN}", "maria-gomez", 483823),
    Host("Tom Becker", f"tom@{FIRM_DOMAIN}", "tom-becker", 483824),
    Host("Priya Raman", f"priya@{FIRM_DOMAIN}", "priya-raman", 483901),
    Host("James Whitfield", f"james@{FIRM_DOMAIN}", "james-whitfield", 483902),
    Host("Elena Novak", f"elena@{FIRM_DOMAIN}", "elena-novak", 484117),
)


@dataclass(frozen=True)
class EventType:
    """A bookable meeting type. `weight` = relative frequency; `group` = several invitees."""

    name: str
    minutes: int
    weight: int
    calcom_id: int
    calendly: bool = True
    calcom: bool = True
    group: bool = False
    internal: bool = False


EVENT_TYPES = (
    EventType("Quarterly Portfolio Review", 60, 20, 1201),
    EventType("Annual Review", 90, 8, 1202),
    EventType("Portfolio Check-in (30 min)", 30, 15, 1203),
    EventType("Investment Review", 45, 10, 1204),
    EventType("Intro Call", 30, 12, 1205),
    EventType("Discovery Meeting", 45, 8, 1206),
    EventType("Financial Planning Session", 60, 10, 1207),
    EventType("New Client Onboarding", 90, 5, 1208, group=True),
    EventType("Team Sync", 30, 4, 1209, internal=True),
    # Calendly's ad-hoc meetings; Cal.com has no equivalent export label.
    EventType("One-off meeting", 60, 8, 0, calcom=False),
)

LOCATIONS = (
    f"{FIRM_NAME}, 200 Harbor Blvd, Suite 400, Boston, MA 02210",
    "+1 617-555-0142",
    "Google Meet: https://meet.google.com/xjw-pqrs-tuv",
)
PREPARE_ANSWERS = (
    "Review of the\nretirement account, please",
    'Referred by Ann, interested in "fee-only" advice',
    "Rollover of my 401(k) from my old employer",
    "College savings for our two kids",
    "Questions about RMDs, and the Roth conversion",
    "Selling the business next year; tax planning",
    "Nothing specific",
    "Update beneficiaries after the wedding",
)
CANCEL_REASONS = (
    "Travelling, will rebook in January",
    "Sick, sorry!",
    "Conflict with work meeting",
    "Need to move this to next week",
    "Family emergency",
    "No longer needed",
)
PLUS_TAGS = ("calendly", "advisor", "finance", "meetings", "cal")
FEEDBACK = (
    "Very helpful, thank you",
    "Clear explanation of the fees",
    "Ran a bit long, but useful",
    "Great session",
)
NOTES = (
    "Please call my mobile if Zoom fails",
    "Bringing my spouse",
    "Want to discuss the trust, and the house sale",
    "Line one\nLine two of my note",
)
