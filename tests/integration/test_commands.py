"""The import management commands, and the demo loader."""

import pytest
from django.core.management import CommandError, call_command

from footprint.partnership.models import Organisation, Population


def test_import_organisations_command(footprint, tmp_path, capsys):
    f = tmp_path / "orgs.csv"
    f.write_text("ODS code,Name,Kind,Neighbourhood\nA77777,Hill Surgery,GP practice,N1\n")
    call_command("import_organisations", str(f))
    assert "1 organisations added" in capsys.readouterr().out
    assert Organisation.objects.get(ods_code="A77777").neighbourhood.code == "N1"


def test_import_organisations_command_reports_every_problem(footprint, tmp_path):
    f = tmp_path / "orgs.csv"
    f.write_text("ODS code,Name,Kind\nA1,X,GP practice\nRQ1,,Acute trust\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_organisations", str(f))
    assert "orgs.csv, row 2, column 'ODS code'" in str(exc.value)
    assert "orgs.csv, row 3, column 'Name'" in str(exc.value)
    assert not Organisation.objects.filter(ods_code="RQ1").exists()


def test_import_population_command(footprint, tmp_path):
    f = tmp_path / "mye.csv"
    head = "Code,Name,Sex," + ",".join(str(a) for a in range(90)) + ",90+"
    f.write_text(head + "\nS1,South One,F," + ",".join(["3"] * 91) + "\n")
    call_command("import_population", str(f), "--estimates", "--year", "2023")
    assert Population.objects.get(neighbourhood__code="S1", year=2023, sex="F").total == 273


def test_import_population_command_needs_a_year(footprint, tmp_path):
    f = tmp_path / "mye.csv"
    f.write_text("Code\n")
    with pytest.raises(CommandError, match="--year"):
        call_command("import_population", str(f), "--estimates")
