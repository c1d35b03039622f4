"""pyKT CSV loading and the evaluation windowing protocol."""

from pathlib import Path

import numpy as np

from recommender.kt.data import KTSequence, load_pykt_csv, scored_mask, split_folds, windows
from recommender.kt.evaluator import collect


def test_450_long_sequence_is_cut_into_200_200_50_and_first_of_each_is_not_scored() -> None:
    seq = KTSequence("u", np.arange(450) % 7, np.arange(450) % 2)
    ws = windows([seq])
    assert [len(w) for w in ws] == [200, 200, 50]
    assert ws[1].skills[0] == seq.skills[200]
    preds = [np.full(len(w), 0.5) for w in ws]
    labels, _ = collect(ws, preds)
    assert labels.size == 450 - 3
    assert not scored_mask(200)[0] and scored_mask(200)[1:].all()


def test_csv_drops_padding_ignores_extra_columns_and_splits_folds(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_text('fold,uid,concepts,responses,cidxs\n0,a,"1,2,-1,-1","1,0,-1,-1","5,6,-1,-1"\n1,b,"3","1","7"\n')
    seqs = load_pykt_csv(p)
    assert seqs[0].skills.tolist() == [1, 2] and seqs[0].responses.tolist() == [1, 0]
    train, test = split_folds(seqs, 0)
    assert [s.uid for s in test] == ["a"] and [s.uid for s in train] == ["b"]
