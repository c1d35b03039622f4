"""``tutor policy``: train a candidate recommender policy now, or show the training decisions."""

from __future__ import annotations

import argparse
import json
from typing import Any

from tutor.container import Services
from tutor.services.policy_decisions import decision_view


def add_parser(sub: Any) -> None:
    """The ``policy`` command and its subcommands."""
    policy = sub.add_parser("policy", help="the recommender policy: train a candidate now, show the decisions")
    commands = policy.add_subparsers(dest="policy_command", required=True)
    train = commands.add_parser(
        "train", help="fine-tune a candidate on feedback and simulation; promote it only if it is not worse"
    )
    train.add_argument(
        "--iterations", type=int, default=None, help="PPO batches (default TUTOR_POLICY_TRAIN_ITERATIONS)"
    )
    history = commands.add_parser("history", help="the newest training decisions")
    history.add_argument("--limit", type=int, default=10)


async def run(services: Services, args: argparse.Namespace) -> None:
    """Run one ``tutor policy`` subcommand (in the CLI's process, against the configured database)."""
    if args.policy_command == "train":
        overrides = {"iterations": max(1, args.iterations)} if args.iterations else {}
        # Imported here: they load torch, which every other command (and `tutor doctor`) can do without.
        from app.components import policy_path
        from recommender.loop.config import LoopConfig
        from recommender.loop.job import run_policy_update

        config = LoopConfig.from_settings(services.settings, **overrides)
        doc = await run_policy_update(services.records, config, policy_path(services.settings), "cli")
        if doc is None:
            print("another training run is in progress; nothing done")
            return
        print(json.dumps(decision_view(doc), default=str, indent=1))
        return
    for doc in await services.records.policy_decisions.latest(max(1, min(args.limit, 100))):
        scores = f"serving {doc['serving_ep']} candidate {doc['candidate_ep']}" if doc["serving_ep"] is not None else ""
        print(
            f"{doc['decided_at']:%Y-%m-%d %H:%M} {doc['decision']:>8}  {scores}  "
            f"feedback {doc['n_feedback']} from {doc['n_students']} students: {doc['reason']}"
        )
