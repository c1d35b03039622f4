"""Neural knowledge tracing: SeqKT (skill queries, window-local history features) and the plain DKT baseline."""
