"""``evisynth init`` and ``evisynth summarize`` end to end."""

from __future__ import annotations

import json

from evisynth.cli.main import main


def test_init_then_summarize(tmp_path, capsys):
    assert main(["init", str(tmp_path / "rev")]) == 0
    for name in ("review.toml", "rob.csv", "pain.csv", "adverse.csv"):
        assert (tmp_path / "rev" / name).is_file()
    assert (tmp_path / "rev" / "rob.csv").read_text().startswith("study,outcome,D1,D2,D3,D4,D5,overall")
    out = tmp_path / "out"
    status = main(["summarize", str(tmp_path / "rev" / "review.toml"), "--out", str(out)])
    try:
        import evisynth.check.check  # noqa: F401
    except ImportError:
        assert status == 0  # checker not available: noted, not an error
    else:
        assert status == 0, (out / "check.json").read_text()  # the checker passes our own summary
    err = capsys.readouterr().err
    assert "Pain: ⊕" in err
    for name in ("summary.md", "summary.html", "claims.json", "sof.md", "sof.csv", "sof.html", "grade_profile.json",
                 "grade_profile.md", "check.json"):
        assert (out / name).is_file(), name
    profile = json.loads((out / "grade_profile.json").read_text())
    prompts = profile["outcomes"][0]["prompts"]
    assert any("risk-of-bias" in p for p in prompts)  # the template's rob.csv has no rows yet


def test_init_refuses_to_overwrite(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    assert main(["init", str(tmp_path)]) == 0  # its own untouched templates are refreshed
    (tmp_path / "review.toml").write_text((tmp_path / "review.toml").read_text() + "# edited\n")
    assert main(["init", str(tmp_path)]) == 2  # the user's edits are kept
    assert "already exist" in capsys.readouterr().err
    assert (tmp_path / "review.toml").read_text().endswith("# edited\n")
    assert main(["init", str(tmp_path), "--force"]) == 0


def test_summarize_reports_review_errors(tmp_path, capsys):
    bad = tmp_path / "review.toml"
    bad.write_text('[review]\ntitle = "x"\n', encoding="utf-8")
    assert main(["summarize", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "line 1: review.population: is required" in capsys.readouterr().err
