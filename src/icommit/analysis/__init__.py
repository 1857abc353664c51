"""Social Diagnostics of a case: each organisation's perspective on the client's life domains,
the perspectives grid with its divergence and missing-perspective flags, the agreed case
formulation, the client's D&R phase (behaviour and attitudes as two tracks) and references to
risk assessments."""
