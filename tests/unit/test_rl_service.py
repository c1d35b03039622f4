"""Product recommender: fallback, confidence and reasons, feedback updates, goal mapping."""

from pathlib import Path

from recommender.policy_service import Candidate, PolicyService, goals_to_skills
from recommender.rl.ppo import PPOSettings, PPOTrainer
from recommender.simulation.kss import RuleSimulator, draw_difficulties
from recommender.simulation.sample_course import FIXTURE_SKILLS, fixture_graph

CANDIDATES = [
    Candidate("l-loops", "lesson", ("python.loops",), ("python.conditionals",), 1.0, "Loops"),
    Candidate("l-funcs", "lesson", ("python.functions",), ("python.loops",), 1.5, "Functions"),
    Candidate("l-dicts", "lesson", ("python.dictionaries",), ("python.lists",), 1.0, "Dictionaries"),
    Candidate("c-web", "course", ("web.http",), ("python.functions",), 6.0, "Web APIs"),
]
MASTERY = {
    "python.variables": 0.95,
    "python.conditionals": 0.9,
    "python.loops": 0.85,
    "python.functions": 0.42,
    "python.lists": 0.3,
}


def _trained_policy(tmp_path: Path) -> Path:
    graph = fixture_graph()
    sim = RuleSimulator(graph, draw_difficulties(graph.size, graph.topological_order(), 10))
    trainer = PPOTrainer(sim, "responses", PPOSettings(batch_learners=8, horizons=(3,), epochs=1, hidden=16))
    trainer.train(budget_s=30, checkpoint=tmp_path / "policy.pt", max_iterations=1)
    return tmp_path / "policy.pt"


def _check(recs):
    assert recs
    for rec in recs:
        assert 0.0 <= rec.confidence_score <= 1.0
        assert rec.reason.strip()


def test_heuristic_recommends_unlocked_items_with_reasons():
    service = PolicyService()
    recs = service.recommend(MASTERY, ["python.functions"], CANDIDATES, ["python.loops"], goal_text="data analyst")
    _check(recs)
    assert recs[0].item_id == "l-funcs" and recs[0].source == "heuristic"
    assert "Loops" in recs[0].reason and "0.42" in recs[0].reason and "data analyst" in recs[0].reason
    assert "l-dicts" not in [r.item_id for r in recs]  # lists not mastered: dictionaries stay locked


def test_corrupted_checkpoint_falls_back_to_heuristic(tmp_path: Path):
    path = _trained_policy(tmp_path)
    path.write_bytes(b"\x00garbage")
    service = PolicyService.from_checkpoint(path)
    assert service.model is None and "unreadable" in service.fallback_reason
    recs = service.recommend(MASTERY, ["python.functions"], CANDIDATES, [])
    _check(recs)
    assert all(r.source == "heuristic" for r in recs)


def test_loaded_policy_serves(tmp_path: Path):
    service = PolicyService.from_checkpoint(_trained_policy(tmp_path), min_confidence=0.0)
    assert service.model is not None and service.skills == list(FIXTURE_SKILLS)
    recs = service.recommend(MASTERY, ["python.functions"], CANDIDATES, ["python.loops"])
    _check(recs)
    assert recs[0].source == "policy"


def test_career_goals_map_to_skills():
    skills = ["python.loops", "python.dictionaries", "data.aggregation", "web.http_basics", "web.auth"]
    assert goals_to_skills("I want to be a data analyst", skills) == ["python.dictionaries", "data.aggregation"]
    assert "web.http_basics" in goals_to_skills(["backend web developer"], skills)
    assert goals_to_skills("astronaut", skills) == []
