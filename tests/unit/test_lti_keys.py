"""The tool's LTI keys: generated once, rotated with the old key still published for a while."""

from __future__ import annotations

import stat
import time

import jwt
import pytest

from tutor.lti.claims import teaches
from tutor.lti.keys import KEEP_PREVIOUS, KeyFolder, ToolKeys, generate_pem, tool_keys


def test_a_local_key_is_made_once_and_readable_by_its_owner_only(tmp_path) -> None:
    first = KeyFolder(tmp_path).load()
    again = KeyFolder(tmp_path).load()
    assert first.kid == again.kid and len(first.jwks()["keys"]) == 1
    assert not (tmp_path / "current.pem").stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)


def test_rotation_signs_with_the_new_key_and_publishes_the_old_one_for_a_while(tmp_path, monkeypatch) -> None:
    folder = KeyFolder(tmp_path)
    old = folder.load()
    token = old.sign({"sub": "x"})
    new = folder.rotate()
    assert new.kid != old.kid
    published = {k["kid"]: k for k in new.jwks()["keys"]}
    assert list(published) == [new.kid, old.kid]
    assert jwt.decode(token, jwt.PyJWK(published[old.kid]), algorithms=["RS256"])["sub"] == "x"
    later = time.time() + KEEP_PREVIOUS.total_seconds() + 1
    monkeypatch.setattr("tutor.lti.keys.time.time", lambda: later)
    assert [k["kid"] for k in KeyFolder(tmp_path).load().jwks()["keys"]] == [new.kid]


def test_a_configured_key_is_used_as_given_and_a_bad_one_fails_at_once(tmp_path) -> None:
    pem = generate_pem()
    keys = tool_keys(pem, None, tmp_path)
    assert keys == ToolKeys(pem) and not (tmp_path / "current.pem").exists()
    with pytest.raises(ValueError):
        tool_keys("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", None, tmp_path)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"], True),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"], True),
        (["Instructor"], True),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], False),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], False),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], False),
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], True),
        (["https://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"], True),
        (["urn:lti:role:ims/lis/Instructor/TeachingAssistant"], True),
        (["urn:lti:role:ims/lis/TeachingAssistant"], True),
        # A sub-role names its principal role first: this is a kind of learner, not a teacher.
        (["http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Instructor"], False),
        (["urn:lti:instrole:ims/lis/Instructor"], False),
        (["urn:lti:sysrole:ims/lis/Administrator"], False),
        (["Learner", "http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"], False),
        (["https://example.com/roles#Instructor"], False),
        ([], False),
    ],
)
def test_teaching_roles_are_context_roles(roles: list[str], expected: bool) -> None:
    assert teaches(roles) is expected
