"""The shipped methodology as code: the phase models and the catalogue of phase, task, module and
indicator ids, loaded from ``content/``. Pure and below every app, so any app can read the ids
without importing ``phases`` (decision 0011)."""
