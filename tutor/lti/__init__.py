"""LTI 1.3 (tool side): platform registrations, the tool's keys, launch validation and the launch flow."""
