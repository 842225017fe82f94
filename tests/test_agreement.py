"""Agreement figures: hand-worked examples, and scikit-learn / krippendorff as independent checks."""

from __future__ import annotations

import json
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from conftest import SEEDS, run_margin
from sklearn.metrics import cohen_kappa_score

from annotations.agreement import agreement, cohen_kappa, disagreements, krippendorff_alpha_nominal
from annotations.model import Annotation, Selector
from annotations.store import AnnotationStore
from reader.corpus import load_corpus

TEXT = "a b c d e f g h i j"  # ten one-letter tokens at 0, 2, 4, …
DOC = "d" * 64


def span(tag: str, start: int, end: int, who: str) -> Annotation:
    return Annotation.create(document=DOC, tag=tag, selector=Selector.from_span(TEXT, start, end), annotator=who)


HAND = [
    span("claim", 0, 3, "ana"), span("source", 8, 11, "ana"),   # tokens a b | e f
    span("claim", 0, 3, "bo"), span("source", 10, 13, "bo"),    # tokens a b | f g
]


def test_hand_worked_pair() -> None:
    report = agreement(HAND, {DOC: TEXT})
    overall = next(p for p in report.pairs if p.tag == "all")
    assert overall.exact_f1 == pytest.approx(0.5)  # 1 of 2+2 passages match exactly: 2·1/4
    assert overall.overlap_f1 == pytest.approx(1.0)  # every passage overlaps one of the same tag
    # Tokens: ana c c n n s s n n n n / bo c c n n n s s n n n → p_o 0.8, p_e 0.44
    assert overall.kappa == pytest.approx((0.8 - 0.44) / (1 - 0.44))
    assert (overall.documents, overall.tokens) == (1, 10)
    group = next(g for g in report.groups if g.tag == "all")
    # Coincidences: cc 4, nn 10, ss 2, sn 2, ns 2; n = 20 → α = 1 − 4·19/224
    assert group.alpha == pytest.approx(1 - 76 / 224)
    source = next(p for p in report.pairs if p.tag == "source")
    assert source.exact_f1 == 0.0 and source.overlap_f1 == 1.0


def test_kappa_matches_scikit_learn_on_random_labels() -> None:
    rng = random.Random(7)
    for _ in range(50):
        n = rng.randint(5, 200)
        labels = ["none", "claim", "source", "prediction"][: rng.randint(2, 4)]
        a = [rng.choice(labels) for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.choice(labels) for x in a]
        if len(set(a) | set(b)) < 2:
            continue
        assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_alpha_matches_the_krippendorff_package_with_missing_values() -> None:
    rng = random.Random(11)
    codes = {"none": 0, "claim": 1, "source": 2}
    for _ in range(30):
        coders, units = rng.randint(2, 5), rng.randint(10, 80)
        truth = [rng.choice(list(codes)) for _ in range(units)]
        table = [[(t if rng.random() < 0.7 else rng.choice(list(codes))) if rng.random() > 0.15 else None
                  for t in truth] for _ in range(coders)]
        ours = krippendorff_alpha_nominal(list(zip(*table, strict=True)))
        matrix = np.array([[np.nan if v is None else codes[v] for v in row] for row in table], dtype=float)
        theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        assert ours == pytest.approx(theirs)


def test_token_labels_agree_with_scikit_learn_through_agreement() -> None:
    rng = random.Random(3)
    text = " ".join(f"w{i}" for i in range(300))
    passages = []
    for who in ("ana", "bo"):
        for _ in range(25):
            start = rng.randrange(0, len(text) - 20)
            end = start + rng.randint(2, 20)
            passages.append(Annotation.create(document=DOC, tag=rng.choice(["claim", "source"]),
                                              selector=Selector.from_span(text, start, end), annotator=who))
    report = agreement(passages, {DOC: text})
    from annotations.agreement import token_labels, token_spans

    tokens = token_spans(text)
    la = token_labels(tokens, [p for p in passages if p.annotator == "ana"])
    lb = token_labels(tokens, [p for p in passages if p.annotator == "bo"])
    overall = next(p for p in report.pairs if p.tag == "all")
    assert overall.kappa == pytest.approx(cohen_kappa_score(la, lb))


def test_disagreements_for_review() -> None:
    extra = [span("prediction", 14, 17, "ana"), span("prediction", 14, 17, "bo")]  # agreed: not listed
    found = disagreements(HAND + extra)
    assert [(d.start, d.end) for d in found] == [(8, 13)]
    assert {who: [p.tag for p in ps] for who, ps in found[0].versions.items()} == {"ana": ["source"], "bo": ["source"]}
    assert not found[0].resolved


# -- merging and the team commands ---------------------------------------------------------------------


def _db(path: Path, who: str, corpus, picks: list[tuple[int, str, str]]) -> AnnotationStore:
    store = AnnotationStore(path)
    for index, tag, quote in picks:
        doc = corpus.documents[index]
        store.register_document(doc.id, path=doc.path, title=doc.title, source=str(doc.file))
        start = doc.text.index(quote)
        store.create(document=doc.id, tag=tag, selector=Selector.from_span(doc.text, start, start + len(quote)),
                     annotator=who)
    return store


@pytest.fixture
def team(tmp_path: Path):
    corpus = load_corpus([SEEDS])
    ana = _db(tmp_path / "ana.json", "ana", corpus, [(0, "claim", "Russia simply no longer has the capacity"),
                                                     (0, "source", "A glimmer of false hope")])
    bo = _db(tmp_path / "bo.json", "bo", corpus, [(0, "claim", "Russia simply no longer has the capacity"),
                                                 (0, "prediction", "A glimmer of false hope")])
    yield tmp_path, ana, bo
    ana.close()
    bo.close()


def _ids(path: Path) -> dict[str, dict]:
    data = json.loads(run_margin("export", "--db", path).stdout)
    return {p["id"]: p for p in data["passages"]}


def test_merge_is_idempotent_order_independent_and_reports_conflicts(team) -> None:
    tmp, ana, bo = team
    shared = ana.annotations()[0]
    bo.merge_from(ana)  # bo has ana's passages too now (as after an earlier merge)
    bo.retag(shared.id, "prediction")  # … and then changes one of them: a conflict, bo's is newer
    ana.close()
    bo.close()
    one, two = tmp / "one.json", tmp / "two.json"
    first = run_margin("merge", tmp / "ana.json", tmp / "bo.json", "--into", one)
    assert first.returncode == 0, first.stderr
    summary = next(line for line in first.stdout.splitlines() if line.startswith("merged"))
    assert summary.endswith("1 conflicts")
    assert f"conflict {shared.id}: kept the newest (prediction" in first.stdout
    run_margin("merge", tmp / "bo.json", tmp / "ana.json", "--into", two)
    assert _ids(one) == _ids(two)
    assert _ids(one)[shared.id]["tag"] == "prediction"
    assert len(_ids(one)) == 4  # ana 2 + bo 2, the shared id once
    again = run_margin("merge", tmp / "ana.json", tmp / "bo.json", "--into", one)
    summary = next(line for line in again.stdout.splitlines() if line.startswith("merged"))
    assert "0 added, 0 updated, 0 deleted" in summary
    assert _ids(one) == _ids(two)


def test_a_deletion_is_not_undone_by_merging_an_older_copy(team) -> None:
    tmp, ana, bo = team
    bo.merge_from(ana)
    victim = ana.annotations()[0]
    ana.delete(victim.id)
    ana.close()
    bo.close()
    merged = tmp / "m.json"
    run_margin("merge", tmp / "bo.json", tmp / "ana.json", "--into", merged)
    assert victim.id not in _ids(merged)


def test_agree_command_and_gold_export(team) -> None:
    tmp, ana, bo = team
    ana.close()
    bo.close()
    merged = tmp / "m.json"
    run_margin("merge", tmp / "ana.json", tmp / "bo.json", "--into", merged)
    proc = run_margin("agree", "--db", merged, "--json", "--corpus", SEEDS)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    overall = next(p for p in report["pairs"] if p["tag"] == "all")
    assert overall["exact_f1"] == pytest.approx(0.5) and overall["documents"] == 1
    table = run_margin("agree", "--db", merged, "--corpus", SEEDS)
    assert "Cohen" in table.stdout and "Krippendorff" in table.stdout
    assert run_margin("agree", "--db", merged, "--annotators", "ana").returncode == 1
    assert json.loads(run_margin("export", "--db", merged, "--gold").stdout)["passages"] == []


def test_overlap_f1_sweep_agrees_with_the_definition() -> None:
    import random

    from annotations.agreement import overlap_f1
    from annotations.model import Annotation

    rng = random.Random(5)

    def passages(who: str) -> list[Annotation]:
        out = []
        for k in range(300):
            start = rng.randrange(0, 2000)
            out.append(Annotation(id=f"{who}{k}", document=rng.choice("de"), tag=rng.choice(("claim", "source")),
                                  text="x", start=start, end=start + rng.randint(1, 60), raw_start=0, raw_end=1))
        return out

    a, b = passages("a"), passages("b")

    def found(x, others):
        return any(o.document == x.document and o.tag == x.tag and o.start < x.end and x.start < o.end for o in others)

    r = sum(found(x, b) for x in a) / len(a)
    p = sum(found(y, a) for y in b) / len(b)
    assert abs(overlap_f1(a, b) - 2 * p * r / (p + r)) < 1e-12
