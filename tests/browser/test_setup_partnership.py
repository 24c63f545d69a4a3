"""Issue 15's "done means": from an empty database, the first programme office user (invited
at the server, as ``manage.py invite_programme_office`` does) sets up a small partnership in a
real browser without ever opening ``/admin/``, and the partnership does its first work.

One long journey at one width (1024 px): the pages are checked at every width by the tests
beside this one; this one proves they join up, from nothing, in the order docs/setting-up.md
gives. Axe runs on each main page the first time the journey reaches it.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from footprint.decisions.models import Decision
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.plans.models import Measurement, Plan
from tests.browser.conftest import check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORDS = {
    "priya.okafor@example.nhs.uk": "priya-chooses-a-long-passphrase-1",
    "tom.reed@example.nhs.uk": "tom-chooses-a-long-passphrase-22",
    "ade.bello@example.nhs.uk": "ade-chooses-a-long-passphrase-333",
    "sam.hart@example.nhs.uk": "sam-chooses-a-long-passphrase-4444",
}

ORGANISATIONS_CSV = """ODS code,Name,Kind,Statutory board,Neighbourhood,Places
QV1,Vale ICB,ICB,yes,,E10000901;E10000902
RV1,Vale Hospitals,Acute trust,yes,,E10000901;E10000902
LV001,Northvale Council,Council,yes,,E10000901
V00001,Riverside Surgery,GP practice,no,NV01,
"""


def population_csv() -> str:
    """Mid-year estimates for each neighbourhood, a small round population per age."""
    ages = [str(a) for a in range(90)] + ["90+"]
    rows = ["Code,Name,Sex," + ",".join(ages)]
    for code, name, per_age in (("NV01", "Riverside", 200), ("SV01", "Harbour", 150)):
        for sex in ("F", "M"):
            rows.append(f"{code},{name},{sex}," + ",".join([str(per_age)] * len(ages)))
    return "\n".join(rows) + "\n"


@pytest.fixture
def open_browser(browser, live_server):
    """Opens a browser of its own (a context: its own cookies) for each person, at 1024 px.

    Every request the journey makes is kept, to show it never opened the admin site; any
    JavaScript error on any page fails the test."""
    contexts = []
    requests: list[str] = []
    errors: list[str] = []

    def new_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1024, "height": 900}
        )
        # Fonts come from the NHS's own server in production; there is no network here.
        context.route("https://assets.nhs.uk/**", lambda route: route.abort())
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("request", lambda request: requests.append(urlparse(request.url).path))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    new_page.requests = requests  # type: ignore[attr-defined]
    yield new_page
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def choose(select: Locator, starts_with: str) -> None:
    """Choose the option whose words start with these (a person's name and email address,
    whatever else the list shows beside them)."""
    option = select.locator("option").filter(has_text=starts_with).first
    select.select_option(option.get_attribute("value"))


def link_in(message) -> str:
    return urlparse(re.search(r"https?://\S+/invitation/\S+/", message.body).group(0)).path


def accept_invitation(page: Page, email: str, greeting: str) -> None:
    """Open the emailed link, choose a password; the browser ends signed in."""
    (message,) = [m for m in mail.outbox if email in m.to]
    page.goto(link_in(message))
    assert urlparse(page.url).path == "/invitation/"
    page.get_by_label("New password", exact=True).fill(PASSWORDS[email])
    page.get_by_label("New password confirmation").fill(PASSWORDS[email])
    page.get_by_role("button", name="Set my password and sign in").click()
    page.wait_for_url("**/workspace/")
    expect(page.get_by_text(f"Welcome, {greeting}.")).to_be_visible()


def upload(page: Page, kind: str, name: str, content: str, year: str = "") -> None:
    """Upload a CSV on the Imports page and follow its job to success."""
    page.goto("/workspace/imports/")
    page.get_by_label("What the file holds").select_option(kind)
    if year:
        page.get_by_label("Year of the mid-year estimate").fill(year)
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Upload and import").click()
    job = page.locator("[id^=job-]").first
    expect(job).to_contain_text("Succeeded", timeout=30_000)


def test_a_programme_office_sets_up_a_partnership_from_nothing(open_browser):
    mail.outbox = []
    assert not Organisation.objects.exists() and not Place.objects.exists()

    # 1. At the server: the first programme office user is invited by the command.
    call_command(
        "invite_programme_office",
        "priya.okafor@example.nhs.uk",
        first_name="Priya",
        last_name="Okafor",
    )
    pmo = open_browser()
    accept_invitation(pmo, "priya.okafor@example.nhs.uk", "Priya")
    check_accessibility(pmo)
    main = pmo.get_by_role("main")

    # 2. The set-up checklist, then the partnership's name.
    pmo.goto("/workspace/set-up/")
    expect(pmo.get_by_role("heading", name="Set up the partnership", level=1)).to_be_visible()
    check_accessibility(pmo)
    pmo.goto("/workspace/set-up/partnership/")
    check_accessibility(pmo)
    pmo.get_by_label("Name of the partnership").fill("Vale Health and Care Partnership")
    pmo.get_by_label("Short name").fill("Vale")
    pmo.get_by_label("ICB or STP code").fill("QV1")
    pmo.get_by_label("Description").fill("The NHS, councils and voluntary sector of the Vale.")
    pmo.get_by_label("Base year").fill("2024")
    pmo.get_by_role("button", name="Save").click()
    pmo.wait_for_url("**/workspace/set-up/")

    # 3. Two places, each with a neighbourhood, with the codes the population file uses.
    for place, code in (("Northvale", "E10000901"), ("Southvale", "E10000902")):
        pmo.goto("/workspace/places/")
        main.get_by_role("link", name="Add a place").click()
        pmo.get_by_label("Name").fill(place)
        pmo.get_by_label("ONS code").fill(code)
        pmo.get_by_role("button", name="Save").click()
        expect(pmo.get_by_text(f"{place} has been added.")).to_be_visible()
    check_accessibility(pmo)
    for place, hood, code in (("Northvale", "Riverside", "NV01"), ("Southvale", "Harbour", "SV01")):
        pmo.goto("/workspace/neighbourhoods/new/")
        pmo.get_by_label("Place").select_option(label=place)
        pmo.get_by_label("Name").fill(hood)
        pmo.get_by_label("Geography code").fill(code)
        pmo.get_by_role("button", name="Save").click()
        expect(pmo.get_by_text(f"{hood} has been added to {place}.")).to_be_visible()
    check_accessibility(pmo)
    assert set(Neighbourhood.objects.values_list("code", flat=True)) == {"NV01", "SV01"}

    # 4-5. Organisations and population, uploaded; each job followed to success.
    pmo.goto("/workspace/imports/")
    check_accessibility(pmo)
    upload(pmo, "organisations", "organisations.csv", ORGANISATIONS_CSV)
    check_accessibility(pmo)
    assert Organisation.objects.get(ods_code="V00001").neighbourhood.code == "NV01"
    upload(pmo, "population_estimates", "mye-2024.csv", population_csv(), year="2024")
    pmo.goto("/workspace/places/")
    for hood in ("Riverside", "Harbour"):
        expect(pmo.locator("#neighbourhoods-table tr").filter(has_text=hood)).to_contain_text(
            "2024"
        )
    check_accessibility(pmo)

    # 6. Three people invited; each follows their own link, in their own browser.
    pmo.goto("/workspace/people/")
    check_accessibility(pmo)
    for email, first, last, organisation, role in (
        ("tom.reed@example.nhs.uk", "Tom", "Reed", "Vale Hospitals (RV1)", "board_member"),
        ("ade.bello@example.nhs.uk", "Ade", "Bello", "Northvale Council (LV001)", "board_member"),
        ("sam.hart@example.nhs.uk", "Sam", "Hart", "Riverside Surgery (V00001)", "viewer"),
    ):
        pmo.goto("/workspace/people/invite/")
        pmo.get_by_label("Email address").fill(email)
        pmo.get_by_label("First name").fill(first)
        pmo.get_by_label("Last name").fill(last)
        pmo.get_by_label("Organisation").select_option(label=organisation)
        pmo.get_by_label("Role").select_option(role)
        pmo.get_by_role("button", name="Send the invitation").click()
        expect(pmo.get_by_text(f"An invitation has been sent to {email}")).to_be_visible()
    check_accessibility(pmo)
    people = {}
    for email, first in (
        ("tom.reed@example.nhs.uk", "Tom"),
        ("ade.bello@example.nhs.uk", "Ade"),
        ("sam.hart@example.nhs.uk", "Sam"),
    ):
        people[first] = open_browser()
        accept_invitation(people[first], email, first)

    # 7. A forum with a seat for each board, a type of decision and its delegation.
    pmo.goto("/workspace/decisions/forums/new/")
    check_accessibility(pmo)
    pmo.get_by_label("Name").fill("Vale Partnership Board")
    pmo.get_by_label("System", exact=True).check()
    pmo.get_by_label("Terms of reference").fill("Decides for the whole partnership.")
    pmo.get_by_label("Quorum: at least this many voting members").fill("2")
    pmo.get_by_label("Consent with no objection").check()
    pmo.get_by_role("button", name="Set up the forum").click()
    expect(pmo.get_by_role("heading", name="Vale Partnership Board")).to_be_visible()
    forum_url = urlparse(pmo.url).path
    for organisation, person in (
        ("Vale Hospitals (RV1)", "Tom Reed (tom.reed@example.nhs.uk)"),
        ("Northvale Council (LV001)", "Ade Bello (ade.bello@example.nhs.uk)"),
    ):
        pmo.goto(forum_url)
        main.get_by_role("link", name="Add a seat").click()
        pmo.get_by_label("Organisation").select_option(label=organisation)
        choose(pmo.get_by_label("Representative"), person)
        pmo.get_by_label("Has a vote").check()
        pmo.get_by_role("button", name="Add the seat").click()
        expect(main).to_contain_text(organisation.split(" (")[0])
    check_accessibility(pmo)
    pmo.goto("/workspace/decisions/delegation/")
    check_accessibility(pmo)
    pmo.get_by_role("textbox", name="Type of decision").fill("Investment")
    pmo.get_by_role("button", name="Add the type").click()
    pmo.get_by_role("combobox", name="Type of decision").select_option(label="Investment")
    pmo.get_by_label("Forum").select_option(label="Vale Partnership Board")
    pmo.get_by_label("Up to (£) (optional)").fill("1000000")
    pmo.get_by_role("button", name="Save the delegation").click()
    expect(pmo.locator("#scheme")).to_contain_text("Vale Partnership Board")
    check_accessibility(pmo)

    # 8. A plan, a priority, a new metric, a goal on it, and a figure recorded against it.
    pmo.goto("/workspace/plan/")
    check_accessibility(pmo)
    main.get_by_role("link", name="Start a plan").click()
    pmo.get_by_label("Title").fill("Vale Plan 2026 to 2031")
    pmo.get_by_label("First financial year").fill("2026")
    pmo.get_by_label("Last financial year").fill("2030")
    pmo.get_by_label("Summary").fill("Fewer emergency admissions, care nearer home.")
    pmo.get_by_role("button", name="Start the plan").click()
    expect(pmo.get_by_text("The plan has been started.")).to_be_visible()
    pmo.goto(f"/workspace/plan/{Plan.objects.get().pk}/change/")
    main.get_by_role("link", name="Add a priority").click()
    pmo.get_by_label("Title").fill("Care nearer home")
    pmo.get_by_label("Order on the plan's pages").fill("1")
    pmo.get_by_role("button", name="Add the priority").click()
    expect(main).to_contain_text("Care nearer home")
    check_accessibility(pmo)
    pmo.goto("/workspace/plan/metrics/new/")
    pmo.get_by_label("Name", exact=True).fill("Emergency admissions per 1,000")
    pmo.get_by_label("Definition").fill("Emergency admissions a month per 1,000 residents.")
    pmo.get_by_label("Unit").fill("per 1,000")
    pmo.get_by_label("Lower is better").check()
    pmo.get_by_label("Data source").fill("Vale Hospitals returns")
    pmo.get_by_label("Owner").select_option(label="Vale ICB (QV1)")
    pmo.get_by_label("Next review date").fill("2027-06-30")
    pmo.get_by_role("button", name="Add the metric").click()
    expect(pmo.get_by_role("heading", name="Emergency admissions per 1,000")).to_be_visible()
    check_accessibility(pmo)
    pmo.goto("/workspace/plan/goals/new/")
    pmo.get_by_label("Priority").select_option(label="Care nearer home")
    pmo.get_by_label("The goal in plain English").fill("Fewer emergency admissions in Riverside")
    pmo.get_by_label("Metric").select_option(label="Emergency admissions per 1,000 (per 1,000)")
    pmo.get_by_label("Neighbourhood", exact=True).check()
    pmo.get_by_label("Neighbourhood it is about (optional)").select_option(label="Riverside")
    pmo.get_by_label("Baseline", exact=True).fill("10")
    pmo.get_by_label("Baseline month").fill("2025-03")
    pmo.get_by_label("Target", exact=True).fill("8")
    pmo.get_by_label("Target month").fill("2028-03")
    pmo.get_by_label("Owner").select_option(label="Vale ICB (QV1)")
    pmo.get_by_role("button", name="Add the goal").click()
    expect(
        pmo.get_by_role("heading", name="Fewer emergency admissions in Riverside")
    ).to_be_visible()
    check_accessibility(pmo)
    pmo.get_by_label("Period", exact=True).fill("2025-06")
    pmo.get_by_label("Value", exact=True).fill("9.5")
    pmo.get_by_role("button", name="Record measurement").click()
    expect(main).to_contain_text("9.5")
    assert Measurement.objects.get(metric__name="Emergency admissions per 1,000").value == 9.5

    # 9. A contract between the ICB and the trust.
    pmo.goto("/workspace/finance/contracts/new/")
    check_accessibility(pmo)
    pmo.get_by_label("Commissioner").select_option(label="Vale ICB (QV1)")
    pmo.get_by_label("Provider").select_option(label="Vale Hospitals (RV1)")
    pmo.get_by_label("Point of delivery").select_option(label="Elective ordinary admissions")
    pmo.get_by_label("How it is paid").select_option(label="Block: a fixed sum")
    pmo.get_by_label("Price per unit (£)").fill("4500")
    pmo.get_by_label("Units in the block").fill("1200")
    pmo.get_by_role("button", name="Save the contract").click()
    expect(pmo.locator("#contracts")).to_contain_text("Block of 1,200 units")
    check_accessibility(pmo)

    # 10. A proposal to the board, each board's consent (the council's recorded on its
    # behalf from its minute), a meeting, and the decision.
    pmo.goto("/workspace/decisions/proposals/new/")
    check_accessibility(pmo)
    pmo.get_by_label("Title").fill("Riverside urgent treatment hub")
    pmo.get_by_label("Summary").fill("A hub where urgent cases are seen without admission.")
    pmo.get_by_label("Options").fill("Do nothing\nOpen the hub")
    pmo.get_by_label("Recommended option").fill("Open the hub")
    pmo.get_by_label("Decision type").select_option(label="Investment")
    pmo.get_by_label("Forum you are bringing it to").select_option(label="Vale Partnership Board")
    pmo.get_by_label("Money at stake (£)").fill("250000")
    pmo.get_by_role("button", name="Save proposal").click()
    expect(pmo.locator("#routing")).to_contain_text("Vale Partnership Board may decide it")
    pmo.get_by_role("button", name="Ask each board for consent").click()
    expect(pmo.get_by_text("Consent asked for")).to_be_visible()
    check_accessibility(pmo)
    proposal_url = urlparse(pmo.url).path

    tom = people["Tom"]
    tom.goto(proposal_url)
    tom.get_by_label("On behalf of").select_option(label="Vale Hospitals (RV1)")
    tom.get_by_label("Consent", exact=True).check()
    tom.get_by_label("Our board has ratified this response").check()
    tom.get_by_role("button", name="Record response").click()
    expect(tom.get_by_text("Your organisation's response has been recorded.")).to_be_visible()
    check_accessibility(tom)

    pmo.goto(proposal_url)
    pmo.get_by_text("Record a board's response on its behalf").click()
    pmo.get_by_label("Board", exact=True).select_option(label="Northvale Council (LV001)")
    pmo.get_by_label("Consent", exact=True).check()
    pmo.get_by_label("Minute reference").fill("Cabinet minute 2026/44")
    pmo.get_by_role("button", name="Record the board's response").click()
    expect(pmo.get_by_text("Northvale Council's response has been recorded")).to_be_visible()
    expect(pmo.locator("#consents")).to_contain_text("from Cabinet minute 2026/44")
    expect(pmo.locator("#rule")).to_contain_text("2 consent")

    today = timezone.localdate()
    pmo.goto(forum_url)
    pmo.get_by_label("Date of the meeting").fill(today.isoformat())
    pmo.get_by_role("checkbox", name=re.compile(r"Tom Reed \(")).check()
    pmo.get_by_role("checkbox", name=re.compile(r"Ade Bello \(")).check()
    pmo.get_by_role("button", name="Record meeting").click()
    expect(main).to_contain_text("2 attended")
    check_accessibility(pmo)
    pmo.goto(proposal_url)
    pmo.get_by_label("Approved").check()
    pmo.get_by_label("Option decided").select_option("Open the hub")
    pmo.get_by_label("Rationale").fill("Both boards consented; within the board's limit.")
    pmo.get_by_role("button", name="Record decision").click()
    expect(pmo.get_by_text("The decision has been recorded.")).to_be_visible()
    check_accessibility(pmo)
    decision = Decision.objects.get(proposal__title="Riverside urgent treatment hub")
    assert decision.outcome == Decision.Outcome.APPROVED
    consents = {c.organisation.ods_code: c for c in decision.proposal.consents.all()}
    assert {code: c.response for code, c in consents.items()} == {
        "RV1": "consent",
        "LV001": "consent",
    }
    assert consents["RV1"].recorded_by.email == "tom.reed@example.nhs.uk"
    assert consents["LV001"].recorded_by.email == "priya.okafor@example.nhs.uk"
    assert consents["LV001"].minute_reference == "Cabinet minute 2026/44"

    # 11. A consultation, opened today: a draft until announced; then the public find it.
    pmo.goto("/workspace/engagement/new/")
    check_accessibility(pmo)
    pmo.get_by_label("Title", exact=True).fill("An urgent treatment hub for Riverside")
    pmo.get_by_label("Summary", exact=True).fill(
        "Where should the new hub be, and when should it open?"
    )
    pmo.get_by_label("Opens on").fill(today.isoformat())
    pmo.get_by_label("Closes on").fill((today + dt.timedelta(days=28)).isoformat())
    pmo.get_by_label("Retention until").fill((today + dt.timedelta(days=365)).isoformat())
    pmo.get_by_role("button", name="Save").click()
    expect(pmo.get_by_role("heading", name="An urgent treatment hub for Riverside")).to_be_visible()
    expect(pmo.locator("#draft")).to_contain_text("Draft: not announced")
    check_accessibility(pmo)
    pmo.get_by_role("button", name="Announce the consultation").click()
    expect(pmo.get_by_text("Announced: its audience can now see it.")).to_be_visible()
    public = open_browser()
    public.goto("/consultations/")
    public.get_by_role("link", name="An urgent treatment hub for Riverside").click()
    expect(public.get_by_text("Where should the new hub be")).to_be_visible()
    check_accessibility(public)

    # 12. A message to the practices, acknowledged by the practice's own member.
    pmo.goto("/workspace/messages/new/")
    check_accessibility(pmo)
    pmo.get_by_label("Title").fill("The hub opens for referrals")
    pmo.get_by_label("Body").fill("Send urgent cases to the hub from Monday.")
    pmo.get_by_label("Every GP practice", exact=True).check()
    pmo.get_by_role("button", name="Send the message").click()
    expect(pmo.get_by_text("Sent to 1 organisation")).to_be_visible()
    message_url = urlparse(pmo.url).path
    sam = people["Sam"]
    sam.goto("/workspace/inbox/")
    check_accessibility(sam)
    sam.get_by_role("link", name="The hub opens for referrals").click()
    sam.get_by_role("button", name="Acknowledge for Riverside Surgery").click()
    expect(sam.locator("#acknowledged")).to_contain_text("by Sam Hart")
    check_accessibility(sam)
    pmo.goto(message_url)
    expect(pmo.locator("#reach")).to_contain_text("1 have acknowledged it")

    # The checklist shows the work done, and not once was the admin site opened.
    pmo.goto("/workspace/set-up/")
    for step in range(1, 8):
        expect(pmo.locator(f"#step-{step} h2")).to_contain_text("Done")
    expect(pmo.locator("#step-5")).to_contain_text("4 people have signed in; 0 invitations waiting")
    expect(pmo.locator("#step-6")).to_contain_text("1 forum; 2 seats; 1 delegation")
    expect(pmo.locator("#step-8")).to_contain_text("1 contract")
    check_accessibility(pmo)
    assert not [p for p in open_browser.requests if p.startswith("/admin")]
    assert any(p.startswith("/workspace/") for p in open_browser.requests)
