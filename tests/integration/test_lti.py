"""LTI 1.3 launches over real HTTP: a platform on loopback, the tool's login, launch and code exchange."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.fakes.lti_platform import FakePlatform, LmsUser
from tests.integration._lti_helpers import exchange, launch, login
from tests.polling import wait_for
from tutor.lti import claims as c
from tutor.lti.keys import ToolKeys, generate_pem
from tutor.security.passwords import hash_password

pytestmark = pytest.mark.asyncio


async def test_the_tool_publishes_its_keys(client):
    keys = (await client.get("/lti/jwks/")).json()["keys"]
    assert keys and {"kty", "n", "e", "kid", "alg"} <= set(keys[0]) and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]  # never the private part


async def test_a_learner_launch_signs_in_enrolls_and_opens_the_course(client, factory, registered):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    lesson = course["modules"][0]["lessons"][0]["id"]
    registered.custom = {"tutor_course_id": course["id"], "tutor_lesson_id": lesson}
    form = await login(client, registered, "u-ada")
    session = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert session["user"]["role"] == "student" and session["user"]["profile"]["full_name"] == "Ada Learner"
    assert session["target"] == f"/courses/{course['id']}/lessons/{lesson}"
    headers = {"Authorization": f"Bearer {session['access_token']}"}
    enrolled = (await client.get("/api/enrollments/", headers=headers)).json()
    assert [e["course_id"] for e in enrolled] == [course["id"]]
    # A second launch of the same LMS user is the same account (and the enrollment is not repeated).
    form = await login(client, registered, "u-ada")
    second = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert second["user"]["id"] == session["user"]["id"]


async def test_an_instructor_links_the_lms_course_once_and_students_follow(client, services, registered):
    form = await login(client, registered, "u-tom")
    tom = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert tom["user"]["role"] == "instructor" and tom["target"].startswith("/lti/link/")
    key = tom["target"].rsplit("/", 1)[-1]
    headers = {"Authorization": f"Bearer {tom['access_token']}"}
    context = await client.get(f"/api/lti/contexts/{key}/", headers=headers)
    assert context.status_code == 200 and context.json()["course_id"] is None
    # A student launching before the link lands on "not linked yet".
    form = await login(client, registered, "u-ada")
    early = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert early["target"] == "/lti/unlinked"
    student_headers = {"Authorization": f"Bearer {early['access_token']}"}
    assert (await client.get(f"/api/lti/contexts/{key}/", headers=student_headers)).status_code in (403, 404)
    created = await client.post("/api/courses/", headers=headers, json={
        "title": "Linked course", "description": "d", "category": "programming", "price": 0, "modules": [],
    })  # fmt: skip
    assert created.status_code == 201, created.text
    course_id = created.json()["id"]
    refused = await client.put(f"/api/lti/contexts/{key}/", headers=student_headers, json={"course_id": course_id})
    assert refused.status_code in (403, 404)
    linked = await client.put(f"/api/lti/contexts/{key}/", headers=headers, json={"course_id": course_id})
    assert linked.status_code == 200 and linked.json()["course_id"] == course_id
    form = await login(client, registered, "u-ada")
    later = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert later["target"] == f"/courses/{course_id}"


def _tampered(platform: FakePlatform, nonce: str, case: str) -> str:
    user = platform.users["u-ada"]
    claims = platform.claims(user, nonce)
    if case == "wrong signature":
        return platform.sign(claims, keys=ToolKeys(generate_pem()), kid=platform.keys.kid)
    if case == "unknown kid":
        return platform.sign(claims, keys=ToolKeys(generate_pem()))
    if case == "wrong aud":
        return platform.sign({**claims, "aud": "someone-else", "azp": "someone-else"})
    if case == "expired":
        return platform.sign({**claims, "exp": int(time.time()) - 600, "iat": int(time.time()) - 900})
    if case == "unknown deployment":
        return platform.sign({**claims, c.DEPLOYMENT_ID: "not-registered"})
    if case == "wrong version":
        return platform.sign({**claims, c.VERSION: "1.1"})
    if case == "no resource link":
        return platform.sign({k: v for k, v in claims.items() if k != c.RESOURCE_LINK})
    if case == "no roles":
        return platform.sign({k: v for k, v in claims.items() if k != c.ROLES})
    if case == "no nonce":
        return platform.sign({k: v for k, v in claims.items() if k != "nonce"})
    if case == "other nonce":
        return platform.sign({**claims, "nonce": "made-up"})
    if case == "not a jwt":
        return "not-a-jwt"
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("wrong signature", 401),
        ("unknown kid", 401),
        ("wrong aud", 401),
        ("expired", 401),
        ("unknown deployment", 401),
        ("wrong version", 400),
        ("no resource link", 400),
        ("no roles", 400),
        ("no nonce", 400),
        ("other nonce", 401),
        ("not a jwt", 400),
    ],
)
async def test_a_launch_that_breaks_the_rules_is_refused_with_a_page(client, registered, case, status):
    form = await login(client, registered, "u-ada")
    refused = await launch(client, _tampered(registered, form["nonce"], case), form["state"])
    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert "refused" in refused.text
    # The state was spent by the refused attempt: the genuine token cannot ride on it afterwards.
    assert (await launch(client, form["id_token"], form["state"])).status_code == 401


async def test_replays_and_unknown_states_are_refused(client, registered):
    form = await login(client, registered, "u-ada")
    await exchange(client, await launch(client, form["id_token"], form["state"]))
    replay = await launch(client, form["id_token"], form["state"])
    assert replay.status_code == 401 and "state" in replay.text
    # The same token under a fresh login's state: its nonce is not that login's.
    fresh = await login(client, registered, "u-ada")
    assert (await launch(client, form["id_token"], fresh["state"])).status_code == 401
    assert (await launch(client, fresh["id_token"], "no-such-state")).status_code == 401
    assert (await client.post("/lti/launch/", data={})).status_code == 400


async def test_login_initiation_is_checked(client, registered):
    missing = await client.get("/lti/login/", params={"iss": registered.issuer})
    assert missing.status_code == 400 and "Missing required query parameter" in missing.text
    assert (await client.post("/lti/login/", data={"iss": registered.issuer})).status_code == 400
    unknown = await client.get("/lti/login/", params={
        "iss": "https://unknown.example", "login_hint": "x", "target_link_uri": registered.tool_launch_url,
    })  # fmt: skip
    assert unknown.status_code == 404 and "registered" in unknown.text
    posted = await client.post("/lti/login/", data={
        "iss": registered.issuer, "login_hint": "u-ada", "target_link_uri": registered.tool_launch_url,
        "client_id": registered.client_id,
    })  # fmt: skip
    assert posted.status_code == 302 and posted.headers["location"].startswith(f"{registered.url}/auth?")
    wrong_deployment = await client.get("/lti/login/", params={
        "iss": registered.issuer, "login_hint": "u-ada", "target_link_uri": registered.tool_launch_url,
        "lti_deployment_id": "other",
    })  # fmt: skip
    assert wrong_deployment.status_code == 401


async def test_only_registered_platforms_may_frame_the_lti_pages(client, registered):
    page = await client.get("/lti/app/")
    assert page.status_code == 200 and "<script" in page.text
    policy = page.headers["content-security-policy"]
    ancestors = next(part for part in policy.split(";") if "frame-ancestors" in part).split()
    assert ancestors[:2] == ["frame-ancestors", "'self'"] and registered.url in ancestors
    assert "x-frame-options" not in page.headers
    # The deep-linking answer may be posted to the platform's sites only, not to any https site.
    actions = next(part for part in policy.split(";") if "form-action" in part).split()
    assert actions[:2] == ["form-action", "'self'"] and registered.url in actions
    assert all("://" in origin for origin in actions[2:])  # origins, never a whole scheme such as https:
    for path in ("/", "/lti/jwks/", "/lti/nothing-here/"):
        other = await client.get(path)
        assert "frame-ancestors 'none'" in other.headers["content-security-policy"], path
        assert other.headers["x-frame-options"] == "DENY", path


async def test_the_exchange_refuses_bad_codes(client):
    assert (await client.post("/api/auth/lti/exchange/", json={"code": "x" * 43})).status_code == 401
    assert (await client.post("/api/auth/lti/exchange/", json={"code": "no spaces allowed here!"})).status_code == 400
    assert (await client.post("/api/auth/lti/exchange/", json={})).status_code == 400


async def test_the_signed_assertions_verify_with_the_published_keys(services) -> None:
    keys = services.tool_keys.get()
    token = keys.sign({"iss": "tool", "aud": "platform", "exp": int(time.time()) + 60})
    published = jwt.PyJWK(keys.jwks()["keys"][0])
    assert jwt.decode(token, published, algorithms=["RS256"], audience="platform")["iss"] == "tool"


async def test_lms_roles_of_the_launch_decide_teaching_rights(client, registered):
    # Tom's account is an instructor's; once the LMS launches him as a learner there, he may not manage
    # the LMS course (nor is he sent to link it); a teaching launch gives the right back.
    form = await login(client, registered, "u-tom")
    tom = await exchange(client, await launch(client, form["id_token"], form["state"]))
    key = tom["target"].rsplit("/", 1)[-1]
    headers = {"Authorization": f"Bearer {tom['access_token']}"}
    assert (await client.get(f"/api/lti/contexts/{key}/", headers=headers)).status_code == 200
    registered.users["u-tom"] = LmsUser("lms-tom", "Tom Teacher", "tom@lms.example", "Learner")
    form = await login(client, registered, "u-tom")
    as_learner = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert as_learner["user"]["id"] == tom["user"]["id"] and as_learner["target"] == "/lti/unlinked"
    assert (await client.get(f"/api/lti/contexts/{key}/", headers=headers)).status_code == 404
    assert (await client.post(f"/api/lti/contexts/{key}/roster-sync/", headers=headers)).status_code == 404
    form = await login(client, registered, "u-tom", "deep-link")
    refused = await launch(client, form["id_token"], form["state"])
    assert refused.status_code == 403
    # A learner sub-role whose name is "Instructor" is still a learner.
    sub_role = "http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Instructor"
    registered.users["u-tom"] = LmsUser("lms-tom", "Tom Teacher", "tom@lms.example", sub_role)
    form = await login(client, registered, "u-tom")
    assert (await exchange(client, await launch(client, form["id_token"], form["state"])))["target"] == "/lti/unlinked"
    registered.users["u-tom"] = LmsUser("lms-tom", "Tom Teacher", "tom@lms.example", "Instructor")
    form = await login(client, registered, "u-tom")
    again = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert again["target"] == f"/lti/link/{key}"
    assert (await client.get(f"/api/lti/contexts/{key}/", headers=headers)).status_code == 200


async def _scores(platform: FakePlatform, count: int) -> list[dict[str, Any]]:
    async def arrived() -> list[dict[str, Any]] | None:
        return platform.scores if len(platform.scores) >= count else None

    return list(await wait_for(arrived))


async def test_a_quiz_score_reaches_the_lms_gradebook(client, factory, registered, worker):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    registered.custom = {"tutor_course_id": course["id"], "tutor_lesson_id": "l1"}
    registered.failing_scores = 1  # the gradebook is down at first: the passback is retried
    form = await login(client, registered, "u-ada")
    ada = await exchange(client, await launch(client, form["id_token"], form["state"]))
    headers = {"Authorization": f"Bearer {ada['access_token']}"}
    quiz = {"course_id": course["id"], "lesson_id": "l1", "quiz_answers": {"q1": 1, "q2": 1}}
    graded = await client.post("/api/progress/update/", json=quiz, headers=headers)
    assert graded.status_code == 200 and graded.json()["quiz_result"]["score"] == 50.0
    # Meanwhile the instructor sees the failure (and the student cannot see the overview).
    overview = f"/api/lti/grades/{course['id']}/"
    assert (await client.get(overview, headers=headers)).status_code in (403, 404)
    scores = await _scores(registered, 1)
    assert len(scores) == 1, registered.token_requests
    score = scores[0]
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    assert score["userId"] == "lms-ada" and score["scoreGiven"] == 50.0 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].endswith("Z")
    token_request = registered.token_requests[-1]
    assert token_request["grant_type"] == "client_credentials" and c.SCOPE_SCORE in token_request["scope"]
    rows = (await client.get(overview, headers=teacher["headers"])).json()
    assert [(r["user_id"], r["state"], r["score_given"], r["attempts"]) for r in rows] == [
        (ada["user"]["id"], "sent", 50.0, 2)
    ]
    # A better attempt sends the best score again.
    quiz["quiz_answers"] = {"q1": 1, "q2": 0}
    await client.post("/api/progress/update/", json=quiz, headers=headers)
    scores = await _scores(registered, 2)
    assert scores[-1]["scoreGiven"] == 100.0


def _member(sub: str, name: str, role: str, status: str = "Active") -> dict[str, Any]:
    roles = [f"http://purl.imsglobal.org/vocab/lis/v2/membership#{role}"]
    return {"user_id": sub, "name": name, "email": f"{sub}@lms.example", "roles": roles, "status": status}


async def test_roster_sync_mirrors_the_lms_course(client, registered):
    registered.users["u-carl"] = LmsUser("lms-carl", "Carl Leaving", "carl@lms.example", "Learner")
    form = await login(client, registered, "u-tom")
    tom = await exchange(client, await launch(client, form["id_token"], form["state"]))
    key = tom["target"].rsplit("/", 1)[-1]
    headers = {"Authorization": f"Bearer {tom['access_token']}"}
    sync = f"/api/lti/contexts/{key}/roster-sync/"
    unlinked = await client.post(sync, headers=headers)
    assert unlinked.status_code == 400 and "link" in unlinked.text
    created = await client.post("/api/courses/", headers=headers, json={
        "title": "Roster course", "description": "d", "category": "programming", "price": 0, "modules": [],
    })  # fmt: skip
    course_id = created.json()["id"]
    await client.put(f"/api/lti/contexts/{key}/", headers=headers, json={"course_id": course_id})
    form = await login(client, registered, "u-carl")
    carl = await exchange(client, await launch(client, form["id_token"], form["state"]))
    carl_headers = {"Authorization": f"Bearer {carl['access_token']}"}
    assert [e["course_id"] for e in (await client.get("/api/enrollments/", headers=carl_headers)).json()] == [course_id]
    assert (await client.post(sync, headers=carl_headers)).status_code in (403, 404)  # students cannot sync
    registered.members = [
        _member("lms-tom", "Tom Teacher", "Instructor"),
        _member("lms-ada", "Ada Learner", "Learner"),
        _member("lms-bob", "Bob New", "Learner"),
        _member("lms-carl", "Carl Leaving", "Learner", status="Inactive"),
        _member("lms-dan", "Dan Deleted", "Learner", status="Deleted"),
    ]
    result = await client.post(sync, headers=headers)
    assert result.status_code == 200, result.text
    assert result.json() == {"members": 5, "accounts_created": 3, "enrolled": 2, "unenrolled": 1}
    assert (await client.get("/api/enrollments/", headers=carl_headers)).json() == []
    # A second sync changes nothing.
    again = (await client.post(sync, headers=headers)).json()
    assert again == {"members": 5, "accounts_created": 0, "enrolled": 0, "unenrolled": 0}
    # Ada's account from the roster is the one her launch signs into, already enrolled.
    form = await login(client, registered, "u-ada")
    ada = await exchange(client, await launch(client, form["id_token"], form["state"]))
    ada_headers = {"Authorization": f"Bearer {ada['access_token']}"}
    assert [e["course_id"] for e in (await client.get("/api/enrollments/", headers=ada_headers)).json()] == [course_id]
    # A member the LMS no longer lists with a teaching role loses the right to manage the LMS course.
    registered.members[0] = _member("lms-tom", "Tom Teacher", "Learner")
    assert (await client.post(sync, headers=headers)).status_code == 200
    assert (await client.get(f"/api/lti/contexts/{key}/", headers=headers)).status_code == 404


async def test_deleting_a_launched_account_forgets_its_lms_identity(client, services, registered):
    form = await login(client, registered, "u-ada")
    ada = await exchange(client, await launch(client, form["id_token"], form["state"]))
    user_id = ada["user"]["id"]
    # An LMS account has no password anyone knows; an administrator sets one for the deletion here.
    await services.auth.credentials.set_password(user_id, hash_password("a password to confirm"))
    signed_in = await client.post(
        "/api/auth/login/", json={"email": ada["user"]["email"], "password": "a password to confirm"}
    )
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    deleted = await client.request(
        "DELETE", "/api/auth/me/", headers=headers, json={"password": "a password to confirm"}
    )
    assert deleted.status_code == 204, deleted.text
    assert await services.records.lti_identities.user_of(registered.issuer, "lms-ada") is None
    form = await login(client, registered, "u-ada")
    again = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert again["user"]["id"] != user_id  # a new, empty account


async def test_a_course_link_passes_back_the_course_progress(client, factory, registered, worker):
    teacher = await factory.instructor()
    course = await factory.course(teacher)
    registered.custom = {"tutor_course_id": course["id"]}
    form = await login(client, registered, "u-ada")
    ada = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert ada["target"] == f"/courses/{course['id']}"
    headers = {"Authorization": f"Bearer {ada['access_token']}"}
    done = {"course_id": course["id"], "lesson_id": "l1", "completed": True}
    assert (await client.post("/api/progress/update/", json=done, headers=headers)).status_code == 200
    score = (await _scores(registered, 1))[0]
    assert score["scoreGiven"] == 50.0 and score["activityProgress"] == "InProgress"
    done["lesson_id"] = "l2"
    await client.post("/api/progress/update/", json=done, headers=headers)
    score = (await _scores(registered, 2))[-1]
    assert score["scoreGiven"] == 100.0 and score["activityProgress"] == "Completed"
