"""The tutor agent: tools, model providers, guardrails and the streaming tool loop.

Entry points: :func:`agents.factory.build_agent`, :class:`agents.runner.TutorAgent`,
:class:`agents.deps.TutorDeps`.
"""
