"""Who may see and do what, read as stories and proved for every role and view."""

from pathlib import Path

from django.urls import get_resolver

MATRICES = sorted(Path(__file__).parent.glob("test_permissions_*.py"))
# Addresses that are not pages a role opens: logging in and out, a job's own progress (shown
# only to whoever started it), and a personal message link's fresh-link request.
NOT_PAGES = {"core:login", "core:logout", "core:job", "engagement:message_link_fresh"}
# POST-only actions whose refusal is proved by calling their service as each wrong caller
# (the stories in test_permissions_<app>.py); their doors are not yet walked by the matrix.
ACTIONS_PROVED_IN_SERVICES = {
    "demand:parameters_upload",
    "demand:scenario_run",
    "demand:scheme_add",
    "demand:scheme_remove",
    "engagement:adopt_message",
    "engagement:approve",
    "engagement:hide",
    "engagement:consultation_add_statement",
    "engagement:consultation_answer",
    "engagement:consultation_describe_yourself",
    "engagement:consultation_vote",
    "plans:publish",
}


def test_every_page_of_every_app_is_in_a_permission_matrix():
    """Each app's test_permissions_<app>.py names every one of its URLs, so a new page
    cannot be added without saying who may open it."""
    resolver = get_resolver()
    named = {
        f"{namespace}:{name}"
        for namespace, (_, sub) in resolver.namespace_dict.items()
        if namespace not in ("admin", "api")
        for name in sub.reverse_dict
        if isinstance(name, str)
    }
    matrices = {path.stem.removeprefix("test_permissions_"): path.read_text() for path in MATRICES}
    every = "".join(matrices.values())

    def covered(full: str) -> bool:
        app, name = full.split(":")
        own = matrices.get(app, "") + matrices.get("partnership" if app == "tokens" else "", "")
        return f'"{full}"' in every or f'"{name}"' in own

    missing = sorted(n for n in named - NOT_PAGES - ACTIONS_PROVED_IN_SERVICES if not covered(n))
    assert not missing, f"URLs in no permission matrix: {missing}"


def test_login_is_throttled_after_five_failures(client, cast):
    for _ in range(5):
        client.post("/login/", {"username": "viewer", "password": "wrong"})
    locked = client.post(
        "/login/", {"username": "viewer", "password": "correct-horse-battery-staple"}
    )
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()


def test_pages_carry_a_content_security_policy(client, footprint):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "'nonce-" in policy
