"""Neural knowledge tracing: a recurrent model with skill queries and window-local history features."""
