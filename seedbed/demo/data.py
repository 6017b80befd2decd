"""The demo company's fixed facts: teams, taxonomy, roles and people of Greenfield Works.

Greenfield Works sells, installs and runs smart irrigation systems for market gardens and parks:
engineering builds the app and the controller firmware, operations installs and services the
hardware, sales, marketing and customer success find and keep the customers. Everything random
(levels, dates, interests) is drawn from a seeded generator in ``seedbed.demo.services``; this
module holds only what a person would write down by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

ORG_NAME = "Greenfield Works"
EMAIL_DOMAIN = "greenfield.example"
DEMO_PASSWORD = "seedbed-demo"  # noqa: S105 - a published demo password, printed on purpose

ADMIN_KEY, MANAGER_KEY, EMPLOYEE_KEY = "hannah", "marco", "emma"

# name -> (parent team, description). Parents come before their children.
TEAMS: dict[str, tuple[str | None, str]] = {
    "Leadership": (None, "The founders and the heads of the business units."),
    "Engineering": (
        "Leadership",
        "Builds the Greenfield app, the cloud platform and the controller firmware.",
    ),
    "Operations": (
        "Leadership",
        "Installs, services and supplies irrigation systems in the field.",
    ),
    "Sales": ("Leadership", "Finds new customers: market gardens, municipalities, golf courses."),
    "Customer Success": ("Sales", "Onboards customers and keeps their systems (and them) happy."),
    "Marketing": ("Sales", "Brand, content, campaigns and trade shows."),
    "Finance": ("Leadership", "Bookkeeping, reporting, budgets, payroll and tax."),
    "People & Culture": ("Leadership", "Hiring, onboarding, development and employee relations."),
}

# The one category with its own scale: spoken languages on a four-step fluency scale.
LANGUAGE_SCALE_NAME = "Language fluency (1–4)"
LANGUAGE_SCALE_DESCRIPTION = "How well someone works in a spoken language."
LANGUAGE_LEVELS: list[tuple[int, str, str]] = [
    (1, "Basic", "Understands and uses everyday phrases; needs help in any work conversation."),
    (2, "Conversational", "Handles routine work conversations and emails on familiar topics."),
    (3, "Professional", "Works fully in the language: meetings, negotiations, written reports."),
    (4, "Native or bilingual", "Speaks and writes as a native speaker would, in any setting."),
]
LANGUAGES_CATEGORY = "Languages"

Skill = tuple[str, list[str], str, str]  # name, aliases, criticality, description

# category -> (parent category, description, skills). Parents come before their children.
# fmt: off
TAXONOMY: dict[str, tuple[str | None, str, list[Skill]]] = {
    "Engineering": (None, "Building and running the Greenfield software and hardware.", []),
    "Software development": ("Engineering", "Writing, testing and reviewing application code.", [
        ("Python", ["py"], "high", "The language of the Greenfield backend and data jobs."),
        ("JavaScript", ["JS", "ECMAScript"], "medium", "The language of the web and mobile front ends."),
        ("TypeScript", ["TS"], "medium", "Typed JavaScript, used across the dashboard code."),
        ("Django", ["Django REST"], "high", "The web framework behind the customer portal and API."),
        ("React", ["React.js", "ReactJS"], "medium", "The UI library of the irrigation dashboard."),
        ("SQL", ["structured query language"], "high", "Querying and shaping relational data."),
        ("Git", ["version control"], "medium", "Branching, merging and a clean history."),
        ("Automated testing", ["unit testing", "TDD", "pytest"], "high", "Tests that catch regressions before customers do."),
        ("API design", ["REST", "OpenAPI"], "medium", "Stable, documented interfaces for partners and the app."),
        ("Code review", ["pull request review"], "medium", "Reviewing changes for correctness, clarity and risk."),
        ("Embedded C", ["firmware", "C language"], "high", "Firmware for the valve controllers and soil sensors."),
        ("Software architecture", ["system design"], "high", "Shaping systems so they stay changeable and reliable."),
        ("Application security", ["AppSec", "OWASP", "secure coding"], "critical", "Keeping customer data and controllers safe from attack."),
        ("Mobile development", ["iOS", "Android", "React Native"], "medium", "The field app that technicians and customers use."),
    ]),
    "Infrastructure and cloud": ("Engineering", "Running the platform reliably and cheaply.", [
        ("Kubernetes", ["k8s"], "high", "Orchestrating the platform's containers."),
        ("Docker", ["containers"], "medium", "Packaging services into container images."),
        ("AWS", ["Amazon Web Services", "EC2", "S3"], "high", "The cloud the platform runs on."),
        ("Terraform", ["IaC", "infrastructure as code"], "medium", "Describing infrastructure as reviewable code."),
        ("CI/CD", ["continuous integration", "continuous delivery", "GitHub Actions"], "high", "Pipelines that build, test and ship every change."),
        ("Linux administration", ["Linux", "sysadmin"], "medium", "Running and debugging Linux hosts."),
        ("Observability", ["monitoring", "Prometheus", "Grafana"], "high", "Metrics, logs and traces that show what the platform does."),
        ("Incident response", ["on-call", "post-mortems"], "critical", "Restoring service quickly and learning from outages."),
    ]),
    "Data": ("Engineering", "Turning sensor and business data into decisions.", [
        ("PostgreSQL", ["Postgres", "psql"], "high", "The platform's main database."),
        ("Data analysis", ["pandas", "analytics"], "medium", "Finding patterns in sensor, sales and finance data."),
        ("Data visualisation", ["dashboards", "BI", "Power BI"], "medium", "Charts and dashboards people understand at a glance."),
        ("Machine learning", ["ML"], "low", "Models that predict water demand from weather and soil data."),
        ("IoT protocols", ["Internet of Things", "MQTT", "LoRaWAN"], "high", "How controllers and sensors talk to the cloud."),
    ]),
    "Operations": (None, "Installing, servicing and supplying irrigation systems.", [
        ("Irrigation system installation", ["installation", "drip irrigation"], "critical", "Planning and fitting pipes, valves, controllers and sensors on site."),
        ("Electrical wiring", ["low-voltage wiring", "electrics"], "high", "Safe low-voltage wiring of controllers, pumps and sensors."),
        ("Troubleshooting", ["diagnostics", "fault finding"], "high", "Finding why a zone stays dry, methodically."),
        ("Health and safety", ["H&S", "HSE", "first aid"], "critical", "Working safely on site, with water and electricity."),
        ("Field service scheduling", ["dispatch", "route planning"], "medium", "Planning technician visits so they arrive on time with the right parts."),
        ("Logistics planning", ["shipping", "freight"], "medium", "Getting hardware to sites and warehouses on time."),
        ("Inventory management", ["stock control", "warehouse"], "medium", "Keeping the right parts in stock without tying up cash."),
        ("Procurement", ["purchasing", "sourcing"], "medium", "Buying components at the right price, quality and time."),
        ("Vendor management", ["supplier management"], "medium", "Working with suppliers and installers as partners."),
        ("ERP systems", ["ERP", "Odoo", "SAP"], "medium", "Orders, stock and invoices in the ERP."),
        ("Lean", ["continuous improvement", "Six Sigma", "Kaizen"], "low", "Removing waste from everyday processes."),
    ]),
    "Sales and customers": (None, "Winning, onboarding and keeping customers.", []),
    "Sales": ("Sales and customers", "Finding and closing new business.", [
        ("Prospecting", ["lead generation", "outbound", "cold calling"], "high", "Finding and opening conversations with the right prospects."),
        ("Discovery calls", ["needs analysis"], "high", "Understanding a prospect's problem before proposing anything."),
        ("Negotiation", ["deal negotiation"], "high", "Reaching agreements that both sides keep."),
        ("Pipeline management", ["sales forecasting"], "medium", "Keeping an honest, up-to-date view of every deal."),
        ("CRM", ["HubSpot", "Salesforce", "customer relationship management"], "medium", "Recording every customer touch where the team can see it."),
        ("Solution selling", ["consultative selling"], "high", "Selling outcomes (water saved, yields kept) rather than hardware."),
        ("Proposal writing", ["RFP", "tenders", "bids"], "medium", "Clear, winning proposals and tender responses."),
        ("Account management", ["key accounts"], "medium", "Growing the relationship with existing customers."),
    ]),
    "Customer success": ("Sales and customers", "Helping customers get value from their systems.", [
        ("Customer onboarding", ["implementation"], "high", "Getting a new customer from contract to watering on schedule."),
        ("Support ticket handling", ["helpdesk", "Zendesk", "customer support"], "medium", "Answering questions and fixing problems quickly and kindly."),
        ("Churn prevention", ["retention", "renewals"], "high", "Spotting unhappy customers early and turning them around."),
        ("Product training", ["customer training", "webinars"], "medium", "Teaching customers and partners to use the system well."),
        ("Customer health scoring", ["health score"], "low", "Measuring which accounts thrive and which struggle."),
        ("Escalation handling", ["escalations", "complaint handling"], "high", "Calmly resolving the hard cases."),
    ]),
    "Marketing": ("Sales and customers", "Making Greenfield known and wanted.", [
        ("SEO", ["search engine optimisation", "search engine optimization"], "medium", "Being found by growers searching for irrigation help."),
        ("Content writing", ["copywriting", "blogging"], "medium", "Articles, case studies and web copy people want to read."),
        ("Social media", ["LinkedIn", "Instagram"], "low", "Building an audience on social platforms."),
        ("Paid advertising", ["PPC", "SEM", "Google Ads"], "medium", "Campaigns that bring leads at a sensible cost."),
        ("Marketing analytics", ["Google Analytics", "GA4", "attribution"], "high", "Knowing which campaigns bring customers."),
        ("Email marketing", ["newsletters", "marketing automation"], "low", "Newsletters and nurture sequences."),
        ("Brand design", ["graphic design", "Figma"], "medium", "A consistent look across web, print and trade-show stands."),
        ("Product marketing", ["positioning", "go-to-market"], "medium", "Positioning and launching products and features."),
        ("Event management", ["trade shows", "events"], "low", "Running stands and events at agricultural fairs."),
    ]),
    "Finance": (None, "Keeping the money right and the business funded.", [
        ("Bookkeeping", ["accounting", "ledger"], "high", "Recording every transaction correctly and on time."),
        ("Financial reporting", ["IFRS", "HGB", "month-end close"], "critical", "Monthly and annual accounts that are right and on time."),
        ("Budgeting", ["budget planning"], "high", "Planning and tracking spend against plan."),
        ("Financial modelling", ["forecast models", "unit economics"], "high", "Models of revenue, margin and cash that guide decisions."),
        ("Payroll", ["salary processing"], "high", "Paying everyone correctly, with the right deductions."),
        ("Tax compliance", ["VAT", "tax"], "critical", "Filing the right taxes in every country we sell in."),
        ("Accounts payable and receivable", ["AP", "AR", "invoicing"], "medium", "Paying suppliers and collecting from customers."),
        ("Cash-flow forecasting", ["cash flow", "liquidity planning"], "high", "Knowing months ahead whether cash will last."),
        ("Audit preparation", ["external audit"], "medium", "Preparing clean evidence for auditors."),
    ]),
    "People": (None, "Hiring, growing and caring for the team.", [
        ("Recruiting", ["hiring", "talent acquisition", "sourcing candidates"], "high", "Finding and attracting the people we need."),
        ("Interviewing", ["structured interviews"], "high", "Fair, structured interviews that predict performance."),
        ("Employment law", ["labour law", "Arbeitsrecht"], "critical", "Staying within employment law in every country we hire in."),
        ("Employee onboarding", ["new-hire onboarding"], "medium", "A first month that makes new people productive and welcome."),
        ("Performance management", ["reviews", "appraisals"], "medium", "Clear goals, honest feedback and fair reviews."),
        ("Compensation and benefits", ["C&B", "total rewards", "payroll benefits"], "medium", "Fair, competitive pay and benefits."),
        ("Learning and development", ["L&D", "training programmes"], "medium", "Helping people grow the skills the business needs."),
        ("Employee relations", ["ER", "grievances"], "high", "Handling concerns, conflicts and grievances fairly."),
        ("HRIS", ["HR information system", "Personio"], "low", "Keeping people data accurate in the HR system."),
    ]),
    "Leadership and management": (None, "Leading people and the business (any team).", [
        ("People management", ["line management"], "high", "Setting direction, giving feedback and supporting a team."),
        ("Coaching and mentoring", ["coaching", "mentoring"], "medium", "Helping others grow through questions and example."),
        ("Strategic planning", ["OKRs", "strategy"], "high", "Choosing where to go and what not to do."),
        ("Change management", ["organisational change"], "medium", "Leading people through changes of process or structure."),
        ("Stakeholder management", ["stakeholders"], "medium", "Keeping the people who matter informed and on side."),
        ("Delegation", ["empowerment"], "low", "Handing over work so others can own it."),
    ]),
    "Communication and collaboration": (None, "Working well with others (any team).", [
        ("Presentation skills", ["public speaking", "presenting"], "medium", "Explaining clearly to a room or a screen full of people."),
        ("Written communication", ["writing", "documentation"], "medium", "Clear emails, documents and tickets."),
        ("Facilitation", ["workshops", "meeting facilitation"], "low", "Running meetings and workshops that reach decisions."),
        ("Conflict resolution", ["mediation"], "medium", "Turning disagreements into agreements."),
        ("Project management", ["PM", "planning", "project planning"], "medium", "Delivering work on time with the people and budget at hand."),
        ("Agile", ["Scrum", "Kanban"], "low", "Working in short cycles with frequent feedback."),
    ]),
    "Tools": (None, "Everyday software everyone uses.", [
        ("Spreadsheets", ["Excel", "Google Sheets"], "medium", "Formulas, pivot tables and clean sheets."),
        ("Jira", ["issue tracking"], "low", "Tracking work in tickets and boards."),
        ("Microsoft 365", ["Office 365", "Outlook", "Teams"], "low", "Email, calendar, documents and meetings."),
    ]),
    LANGUAGES_CATEGORY: (None, "Spoken languages, on the fluency scale.", [
        ("English", ["EN"], "high", "Our company language and the language of most customers."),
        ("German", ["DE", "Deutsch"], "high", "For customers, suppliers and authorities in Germany and Austria."),
        ("Dutch", ["NL", "Nederlands"], "medium", "For customers in the Netherlands and Belgium."),
        ("Spanish", ["ES", "Español"], "low", "For growers in Spain and Latin America."),
        ("French", ["FR", "Français"], "low", "For customers in France and Belgium."),
    ]),
}
# fmt: on


# role -> (description, [(skill, required level, importance 1 nice / 2 important / 3 essential)])
# fmt: off
ROLES: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    "Software Engineer": ("Builds and maintains the Greenfield app, API and firmware.", [
        ("Python", 3, 3), ("Django", 3, 3), ("JavaScript", 3, 2), ("SQL", 3, 2), ("Git", 3, 2),
        ("Automated testing", 3, 3), ("Code review", 3, 2), ("API design", 2, 2), ("Agile", 2, 1),
    ]),
    "Platform Engineer": ("Runs the cloud platform: reliable, observable and affordable.", [
        ("Kubernetes", 3, 3), ("Docker", 3, 3), ("AWS", 3, 3), ("Terraform", 3, 2), ("CI/CD", 3, 3),
        ("Linux administration", 3, 2), ("Observability", 3, 2), ("Incident response", 3, 3),
        ("Python", 2, 1),
    ]),
    "Engineering Manager": ("Leads an engineering team: people, delivery and technical direction.", [
        ("People management", 4, 3), ("Coaching and mentoring", 3, 3),
        ("Software architecture", 3, 2), ("Agile", 3, 2), ("Stakeholder management", 3, 2),
        ("Interviewing", 3, 2), ("Code review", 3, 1), ("Incident response", 2, 1),
        ("Strategic planning", 2, 1), ("Conflict resolution", 3, 2),
    ]),
    "Field Technician": ("Installs and services irrigation systems on customer sites.", [
        ("Irrigation system installation", 3, 3), ("Electrical wiring", 3, 3),
        ("Health and safety", 3, 3), ("Troubleshooting", 3, 3), ("IoT protocols", 2, 2),
        ("Field service scheduling", 2, 1), ("German", 3, 2),
    ]),
    "Operations Coordinator": ("Plans visits, stock and deliveries so the field teams can work.", [
        ("Field service scheduling", 3, 3), ("Logistics planning", 3, 3),
        ("Inventory management", 3, 2), ("Procurement", 2, 2), ("Vendor management", 3, 2),
        ("ERP systems", 3, 2), ("Spreadsheets", 3, 2), ("Lean", 2, 1),
    ]),
    "Account Executive": ("Wins new customers from first meeting to signed contract.", [
        ("Negotiation", 3, 3), ("Solution selling", 3, 3), ("Discovery calls", 3, 3),
        ("Pipeline management", 3, 2), ("CRM", 3, 2), ("Proposal writing", 3, 2),
        ("Presentation skills", 3, 2), ("Account management", 2, 1), ("English", 4, 2),
    ]),
    "Sales Development Representative": ("Opens conversations with the right prospects.", [
        ("Prospecting", 3, 3), ("Discovery calls", 2, 2), ("CRM", 3, 3),
        ("Written communication", 3, 2), ("Social media", 2, 1), ("Pipeline management", 2, 1),
        ("English", 3, 2),
    ]),
    "Customer Success Manager": ("Onboards customers and keeps them successful and renewing.", [
        ("Customer onboarding", 3, 3), ("Churn prevention", 3, 3),
        ("Customer health scoring", 2, 2), ("Product training", 3, 2),
        ("Support ticket handling", 3, 2), ("Escalation handling", 3, 3),
        ("Account management", 3, 2), ("CRM", 2, 1), ("Presentation skills", 2, 1),
    ]),
    "Marketing Specialist": ("Plans and runs campaigns, content and events.", [
        ("Content writing", 3, 3), ("SEO", 3, 2), ("Social media", 3, 2),
        ("Paid advertising", 2, 2), ("Marketing analytics", 3, 3), ("Email marketing", 2, 2),
        ("Brand design", 2, 1), ("Product marketing", 2, 1), ("Event management", 2, 1),
    ]),
    "Financial Analyst": ("Keeps the books, the reports and the forecasts right.", [
        ("Financial reporting", 3, 3), ("Budgeting", 3, 3), ("Financial modelling", 3, 3),
        ("Spreadsheets", 4, 3), ("Bookkeeping", 2, 2), ("Cash-flow forecasting", 3, 2),
        ("Tax compliance", 2, 2), ("Data visualisation", 2, 1), ("ERP systems", 2, 1),
    ]),
    "People Partner": ("Hires, onboards and supports people and their managers.", [
        ("Recruiting", 3, 3), ("Interviewing", 3, 3), ("Employment law", 3, 3),
        ("Employee onboarding", 3, 2), ("Performance management", 3, 2),
        ("Employee relations", 3, 2), ("Compensation and benefits", 2, 2), ("HRIS", 2, 1),
        ("Learning and development", 2, 1),
    ]),
    "Head of Department": ("Leads a business unit: strategy, budget and people.", [
        ("People management", 4, 3), ("Strategic planning", 3, 3), ("Budgeting", 2, 2),
        ("Stakeholder management", 4, 3), ("Change management", 3, 2),
        ("Coaching and mentoring", 3, 2), ("Presentation skills", 3, 2), ("Delegation", 3, 1),
    ]),
}
# fmt: on


# Extra skills people in a team often hold beyond their role's requirements.
# fmt: off
TEAM_EXTRAS: dict[str, list[str]] = {
    "Leadership": [
        "Financial modelling", "Negotiation", "Facilitation", "Spreadsheets", "Change management",
    ],
    "Engineering": [
        "TypeScript", "React", "PostgreSQL", "Docker", "Kubernetes", "Embedded C",
        "Mobile development", "IoT protocols", "Application security", "Data analysis",
        "Machine learning", "Jira", "Written communication", "Observability",
    ],
    "Operations": [
        "Spreadsheets", "Microsoft 365", "Lean", "Project management", "Inventory management",
        "Customer onboarding", "Mobile development", "Troubleshooting",
    ],
    "Sales": [
        "Spreadsheets", "Microsoft 365", "Social media", "Product marketing", "Event management",
    ],
    "Customer Success": [
        "Written communication", "Troubleshooting", "Jira", "Data analysis", "Negotiation",
    ],
    "Marketing": [
        "Data visualisation", "Written communication", "Presentation skills", "Project management",
    ],
    "Finance": [
        "Payroll", "Accounts payable and receivable", "Audit preparation", "Data analysis", "SQL",
    ],
    "People & Culture": [
        "Coaching and mentoring", "Facilitation", "Written communication", "Spreadsheets",
        "Conflict resolution",
    ],
}
# fmt: on


LOCATIONS: dict[str, tuple[str, list[str]]] = {
    # location -> (time zone, local languages besides English)
    "Berlin": ("Europe/Berlin", ["de"]),
    "Munich": ("Europe/Berlin", ["de"]),
    "Amsterdam": ("Europe/Amsterdam", ["nl"]),
    "London": ("Europe/London", []),
    "Lisbon": ("Europe/Lisbon", ["pt"]),
    "Madrid": ("Europe/Madrid", ["es"]),
}


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    team: str
    role: str
    manager: str | None
    location: str
    years: float  # time with the company, in years

    @property
    def email(self) -> str:
        local = self.name.lower().replace("'", "").replace("é", "e").replace("ü", "ue")
        return f"{'.'.join(local.split())}@{EMAIL_DOMAIN}"


P = DemoPerson
# Managers come before the people who report to them.
# fmt: off
PEOPLE: list[DemoPerson] = [
    # Leadership
    P("clara", "Clara Greenfield", "Leadership", "Head of Department", None, "Berlin", 9),
    P("tobias", "Tobias Wagner", "Leadership", "Head of Department", "clara", "Berlin", 8),
    P("aisha", "Aisha Bello", "Leadership", "Head of Department", "clara", "Munich", 6),
    P("daniel", "Daniel Murphy", "Leadership", "Head of Department", "clara", "London", 5),
    # People & Culture: the HR lead is the demo admin
    P("hannah", "Hannah Berger", "People & Culture", "Head of Department", "clara", "Berlin", 6),
    P("lukas", "Lukas Becker", "People & Culture", "People Partner", "hannah", "Berlin", 3),
    P("sofia", "Sofia Marino", "People & Culture", "People Partner", "hannah", "Berlin", 1.5),
    P("yuki", "Yuki Tanaka", "People & Culture", "People Partner", "hannah", "Amsterdam", 4),
    # Finance
    P("oliver", "Oliver Schmidt", "Finance", "Head of Department", "clara", "Berlin", 7),
    P("nadia", "Nadia Haddad", "Finance", "Financial Analyst", "oliver", "Berlin", 4),
    P("peter", "Peter Novak", "Finance", "Financial Analyst", "oliver", "Munich", 2.5),
    P("greta", "Greta Lindholm", "Finance", "Financial Analyst", "oliver", "Amsterdam", 5),
    P("samuel", "Samuel Owusu", "Finance", "Financial Analyst", "oliver", "London", 1.2),
    # Engineering: the app team (the demo manager and his seven reports)
    P("marco", "Marco Rossi", "Engineering", "Engineering Manager", "tobias", "Berlin", 5),
    P("emma", "Emma Lindqvist", "Engineering", "Software Engineer", "marco", "Berlin", 2.5),
    P("jonas", "Jonas Weber", "Engineering", "Software Engineer", "marco", "Berlin", 4),
    P("leila", "Leila Karimi", "Engineering", "Software Engineer", "marco", "Amsterdam", 3),
    P("ravi", "Ravi Patel", "Engineering", "Platform Engineer", "marco", "London", 2),
    P("chloe", "Chloé Dubois", "Engineering", "Software Engineer", "marco", "Lisbon", 1.5),
    P("mateusz", "Mateusz Kowalski", "Engineering", "Software Engineer", "marco", "Berlin", 6),
    P("ines", "Ines Costa", "Engineering", "Software Engineer", "marco", "Lisbon", 1.1),
    # Engineering: the platform and firmware team
    P("sven", "Sven Johansson", "Engineering", "Engineering Manager", "tobias", "Amsterdam", 6),
    P("ana", "Ana Ferreira", "Engineering", "Platform Engineer", "sven", "Lisbon", 3),
    P("kenji", "Kenji Watanabe", "Engineering", "Platform Engineer", "sven", "Amsterdam", 4),
    P("fatima", "Fatima Zahra", "Engineering", "Software Engineer", "sven", "Berlin", 2),
    P("liam", "Liam O'Connor", "Engineering", "Software Engineer", "sven", "London", 3.5),
    P("zoe", "Zoe Fischer", "Engineering", "Platform Engineer", "sven", "Munich", 1.3),
    P("arjun", "Arjun Mehta", "Engineering", "Software Engineer", "sven", "Amsterdam", 2.2),
    P("julia", "Julia Hoffmann", "Engineering", "Software Engineer", "sven", "Berlin", 5),
    # Operations
    P("katarina", "Katarina Horvat", "Operations", "Head of Department", "aisha", "Munich", 6),
    P("stefan", "Stefan Müller", "Operations", "Operations Coordinator", "katarina", "Munich", 7),
    P("paolo", "Paolo Ricci", "Operations", "Field Technician", "stefan", "Munich", 4),
    P("thomas", "Thomas Brandt", "Operations", "Field Technician", "stefan", "Berlin", 5),
    P("ewa", "Ewa Nowak", "Operations", "Field Technician", "stefan", "Berlin", 2),
    P("mehmet", "Mehmet Yilmaz", "Operations", "Field Technician", "stefan", "Munich", 3),
    P("lars", "Lars Nielsen", "Operations", "Field Technician", "stefan", "Amsterdam", 1.4),
    P("anna", "Anna Schulz", "Operations", "Operations Coordinator", "katarina", "Munich", 3),
    P("diego", "Diego Alvarez", "Operations", "Operations Coordinator", "katarina", "Madrid", 2),
    P("mia", "Mia Hartmann", "Operations", "Operations Coordinator", "katarina", "Berlin", 1.6),
    # Sales
    P("rachel", "Rachel Adams", "Sales", "Head of Department", "daniel", "London", 4),
    P("george", "George Miller", "Sales", "Account Executive", "rachel", "London", 3),
    P("elena", "Elena Petrova", "Sales", "Account Executive", "rachel", "Berlin", 2.5),
    P("omar", "Omar Farouk", "Sales", "Account Executive", "rachel", "Amsterdam", 1.8),
    P("charlotte", "Charlotte Evans", "Sales", "Account Executive", "rachel", "London", 5),
    P("noah", "Noah Klein", "Sales", "Sales Development Representative", "rachel", "Berlin", 1.2),
    P("lucia", "Lucia Gomez", "Sales", "Sales Development Representative", "rachel", "Madrid", 1.5),
    P("finn", "Finn Andersen", "Sales", "Sales Development Representative", "rachel", "Amsterdam", 2),
    # Customer Success
    P("isabel", "Isabel Moreno", "Customer Success", "Customer Success Manager", "daniel", "Amsterdam", 5),
    P("hugo", "Hugo Laurent", "Customer Success", "Customer Success Manager", "isabel", "Amsterdam", 3),
    P("amira", "Amira Nasser", "Customer Success", "Customer Success Manager", "isabel", "Berlin", 2),
    P("jan", "Jan de Vries", "Customer Success", "Customer Success Manager", "isabel", "Amsterdam", 4),
    P("tara", "Tara Singh", "Customer Success", "Customer Success Manager", "isabel", "London", 1.3),
    P("felix", "Felix Braun", "Customer Success", "Customer Success Manager", "isabel", "Munich", 2.8),
    P("maya", "Maya Cohen", "Customer Success", "Customer Success Manager", "isabel", "Berlin", 1.7),
    # Marketing
    P("victoria", "Victoria Chen", "Marketing", "Head of Department", "daniel", "London", 4),
    P("pablo", "Pablo Santos", "Marketing", "Marketing Specialist", "victoria", "Madrid", 2),
    P("ella", "Ella Wright", "Marketing", "Marketing Specialist", "victoria", "London", 3),
    P("niklas", "Niklas Vogel", "Marketing", "Marketing Specialist", "victoria", "Berlin", 1.4),
    P("sara", "Sara Lund", "Marketing", "Marketing Specialist", "victoria", "Amsterdam", 2.6),
    P("idris", "Idris Bakare", "Marketing", "Marketing Specialist", "victoria", "London", 1.9),
]
# fmt: on


# Someone who left last year: deactivated, their rating history stays.
FORMER: DemoPerson = P(
    "ben", "Ben Carter", "Engineering", "Software Engineer", "marco", "London", 3
)

# A few pieces of evidence from other sources: (person, skill, source, level, note, link, expires)
# fmt: off
EXTRA_EVIDENCE: list[tuple[str, str, str, int, str, str, bool]] = [
    ("ana", "AWS", "certification", 4, "AWS Certified Solutions Architect – Associate",
     "https://certificates.example/aws/ana-ferreira", False),
    ("kenji", "Kubernetes", "certification", 4, "Certified Kubernetes Administrator (CKA)",
     "https://certificates.example/cka/kenji-watanabe", False),
    ("zoe", "Terraform", "learning", 3, "Completed the Terraform Associate course",
     "", False),
    ("paolo", "Health and safety", "certification", 3, "First aid and electrical safety certificate",
     "https://certificates.example/hse/paolo-ricci", True),
    ("thomas", "Health and safety", "certification", 4, "First aid and electrical safety certificate",
     "https://certificates.example/hse/thomas-brandt", True),
    ("ewa", "Health and safety", "certification", 3, "First aid and electrical safety certificate",
     "", True),
    ("george", "Negotiation", "assessment", 4, "Negotiation workshop: final role-play assessment",
     "", False),
    ("elena", "Negotiation", "assessment", 3, "Negotiation workshop: final role-play assessment",
     "", False),
    ("nadia", "Financial modelling", "assessment", 4, "Modelling case study for the 2025 budget",
     "", False),
    ("lukas", "Employment law", "learning", 3, "Completed the German employment law refresher",
     "", False),
]
# fmt: on
# Peer ratings: (rated person, skill, rating peer, level)
PEER_EVIDENCE: list[tuple[str, str, str, int]] = [
    ("emma", "Code review", "jonas", 3),
    ("jonas", "Code review", "mateusz", 4),
    ("leila", "Automated testing", "emma", 3),
    ("mateusz", "Software architecture", "leila", 4),
    ("liam", "Embedded C", "fatima", 3),
    ("hugo", "Product training", "jan", 3),
    ("george", "Proposal writing", "charlotte", 4),
    ("pablo", "Content writing", "ella", 3),
]
