"""The ``consortium`` command: thin wrappers over the services."""
import pytest
from click.testing import CliRunner

from consortium.cli import main
from consortium.db.migrate import head_revision


@pytest.fixture
def cli(tmp_path):
    runner = CliRunner()
    instance = str(tmp_path / "instance")

    def invoke(*args, input=None):
        return runner.invoke(main, ["--instance", instance, *args], input=input, catch_exceptions=False)

    assert invoke("init").exit_code == 0
    return invoke


def test_init_is_repeatable(cli):
    result = cli("init")
    assert result.exit_code == 0 and f"→ {head_revision()}" in result.output


def test_members_add_and_list(cli):
    assert cli("members", "add", "nju", "--name", "南京大学图书馆", "--name-en", "Nanjing University Library").exit_code == 0
    listed = cli("members", "list").output
    assert "NJU\t南京大学图书馆\tNanjing University Library" in listed


def test_duplicate_member_is_a_clear_error(cli):
    cli("members", "add", "NJU", "--name", "南京大学图书馆")
    result = cli("members", "add", "NJU", "--name", "again")
    assert result.exit_code == 1 and "exists already" in result.output


def test_keys_issue_prints_the_key_alone_on_the_last_line_and_revoke_stops_it(cli, tmp_path):
    cli("members", "add", "NJU", "--name", "南京大学图书馆")
    key = cli("keys", "issue", "NJU").output.strip().splitlines()[-1]
    assert key.startswith("dk_") and " " not in key
    from consortium import create_app

    app = create_app(instance_path=str(tmp_path / "instance"))
    client = app.test_client()
    ok = client.post("/api/v1/members/NJU/records", json={"records": []}, headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200
    assert "Revoked 1 key" in cli("keys", "revoke", "NJU").output
    refused = client.post("/api/v1/members/NJU/records", json={"records": []}, headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401


def test_users_add_reads_the_password_from_stdin_and_never_prints_it(cli):
    cli("members", "add", "NJU", "--name", "南京大学图书馆")
    result = cli("users", "add", "li@nju.example", "--role", "liaison", "--member", "NJU", input="s3cret-pass\ns3cret-pass\n")
    assert result.exit_code == 0 and "Added liaison li@nju.example" in result.output
    assert "s3cret-pass" not in result.output


def test_a_liaison_needs_a_member(cli):
    result = cli("users", "add", "x@y.example", "--role", "liaison", input="password1\npassword1\n")
    assert result.exit_code == 1 and "--member" in result.output


def test_unknown_member_for_a_key_is_a_clear_error(cli):
    result = cli("keys", "issue", "NOPE")
    assert result.exit_code == 1 and "no member" in result.output.lower()


def test_member_codes_must_be_ascii(cli):
    result = cli("members", "add", "南大", "--name", "南京大学图书馆")
    assert result.exit_code == 1 and "ASCII" in result.output
