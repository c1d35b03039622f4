"""The recommender policy's feedback loop: students' feedback and what followed it → a candidate policy
fine-tuned on that and on simulation → evaluated against the serving policy on held-out simulated
learners → promoted only if it is not worse.

- :mod:`recommender.loop.config`: the job's settings and defaults (one place)
- :mod:`recommender.loop.logged`: feedback and interactions → weighted training examples, each student capped
- :mod:`recommender.loop.candidate`: PPO fine-tuning on the simulator plus the feedback term
- :mod:`recommender.loop.gate`: both policies on the same held-out learners, and the decision
- :mod:`recommender.loop.store`: the serving checkpoint: read, promote atomically, reload when it changes
- :mod:`recommender.loop.outcomes`: the mastery change after an accepted recommendation (worker)
- :mod:`recommender.loop.job`: one run, end to end, recorded in ``policy_decisions``
"""
