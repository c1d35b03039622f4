"""LTI Deep Linking 2.0 over real HTTP: an instructor picks courses or lessons, the LMS gets signed links."""

from __future__ import annotations

import httpx
import jwt
import pytest

from tests.integration._lti_helpers import exchange, launch, login
from tutor.lti import claims as c

pytestmark = pytest.mark.asyncio


async def test_deep_linking_returns_signed_links_to_the_chosen_lessons(client, factory, registered, api_server):
    form = await login(client, registered, "u-tom", "deep-link")
    tom = await exchange(client, await launch(client, form["id_token"], form["state"]))
    assert tom["target"].startswith("/lti/deep-link/")
    link_id = tom["target"].rsplit("/", 1)[-1]
    headers = {"Authorization": f"Bearer {tom['access_token']}"}
    pending = await client.get(f"/api/lti/deep-links/{link_id}/", headers=headers)
    assert pending.json() == {"id": link_id, "accept_multiple": True, "line_items": True}
    teacher_session = {"headers": headers}
    course = await factory.course(teacher_session)
    lesson = course["modules"][0]["lessons"][1]
    foreign = await factory.course(await factory.instructor())
    refused = await client.post(
        f"/api/lti/deep-links/{link_id}/", headers=headers, json={"items": [{"course_id": foreign["id"]}]}
    )
    assert refused.status_code == 404  # only one's own courses can be linked
    choices = {"items": [{"course_id": course["id"]}, {"course_id": course["id"], "lesson_id": lesson["id"]}]}
    answer = await client.post(f"/api/lti/deep-links/{link_id}/", headers=headers, json=choices)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["return_url"] == f"{registered.url}/deep-link-return"
    # The platform verifies the response with the tool's published keys.
    async with httpx.AsyncClient() as lms:
        published = (await lms.get(f"{api_server}/lti/jwks/")).json()["keys"]
    kid = jwt.get_unverified_header(body["jwt"])["kid"]
    key = jwt.PyJWK(next(k for k in published if k["kid"] == kid))
    claims = jwt.decode(body["jwt"], key, algorithms=["RS256"], audience=registered.issuer)
    assert claims["iss"] == registered.client_id and claims[c.MESSAGE_TYPE] == c.DEEP_LINKING_RESPONSE
    assert claims[c.VERSION] == "1.3.0" and claims[c.DEPLOYMENT_ID] == registered.deployment_id
    assert claims[c.DL_DATA] == "opaque-platform-data" and claims["nonce"]
    items = claims[c.DL_CONTENT_ITEMS]
    assert [i["custom"] for i in items] == [
        {"tutor_course_id": course["id"]},
        {"tutor_course_id": course["id"], "tutor_lesson_id": lesson["id"]},
    ]
    assert all(i["type"] == "ltiResourceLink" and i["url"] == registered.tool_launch_url for i in items)
    assert items[1]["lineItem"]["scoreMaximum"] == 100 and lesson["title"] in items[1]["title"]
    again = await client.post(f"/api/lti/deep-links/{link_id}/", headers=headers, json=choices)
    assert again.status_code == 404  # answered once


async def test_deep_linking_follows_what_the_platform_accepts(client, factory, registered):
    # No accept_multiple means one item; accept_lineitem false means no gradebook column is asked for.
    registered.deep_link_settings = {"accept_lineitem": False}
    form = await login(client, registered, "u-tom", "deep-link")
    tom = await exchange(client, await launch(client, form["id_token"], form["state"]))
    link_id = tom["target"].rsplit("/", 1)[-1]
    headers = {"Authorization": f"Bearer {tom['access_token']}"}
    pending = await client.get(f"/api/lti/deep-links/{link_id}/", headers=headers)
    assert pending.json() == {"id": link_id, "accept_multiple": False, "line_items": False}
    course = await factory.course({"headers": headers})
    two = {"items": [{"course_id": course["id"]}, {"course_id": course["id"], "lesson_id": "nope"}]}
    refused = await client.post(f"/api/lti/deep-links/{link_id}/", headers=headers, json=two)
    assert refused.status_code == 400 and "one item" in refused.text
    one = await client.post(f"/api/lti/deep-links/{link_id}/", headers=headers, json={"items": two["items"][:1]})
    assert one.status_code == 200, one.text
    items = jwt.decode(one.json()["jwt"], options={"verify_signature": False})[c.DL_CONTENT_ITEMS]
    assert len(items) == 1 and "lineItem" not in items[0]


async def test_deep_links_are_answered_only_to_the_platforms_sites(client, registered):
    registered.deep_link_settings = {"deep_link_return_url": "https://elsewhere.example/return"}
    form = await login(client, registered, "u-tom", "deep-link")
    refused = await launch(client, form["id_token"], form["state"])
    assert refused.status_code == 400 and "--frame-origin" in refused.text


async def test_a_learner_cannot_deep_link(client, registered):
    form = await login(client, registered, "u-ada", "deep-link")
    refused = await launch(client, form["id_token"], form["state"])
    assert refused.status_code == 403 and "instructors" in refused.text
