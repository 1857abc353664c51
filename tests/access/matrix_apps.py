"""How an app above cases adds its objects to the access-matrix world (tests/access/test_matrix.py).

Each ``matrix_<app>.py`` beside this file defines ``APP`` and the five functions below; the
matrix test calls them for every module listed in ``test_matrix.EXTENSIONS`` that exists. The
world ``w`` already holds the case world in ``w.cases`` (case C: lead L = exit counselling with
its case manager, participant P = youth welfare, referred by F; see ``build_cases``).

    APP = "analysis"

    def build(w) -> dict[str, Any]:                      # objects of the app, kept in w.extra[APP]
    def policy_objects(w) -> tuple[dict[str, Any], dict[Action, Any]]:
        # ({action kind prefix: object}, {single action: object, or None for global actions})
    def page_kwargs(w, name: str) -> dict[str, Any] | None:   # None: not one of this app's names
    def api_payloads(w) -> dict[str, dict[str, Any]]:     # operation id -> JSON body
    def fill(path: str, w) -> str:                        # replace this app's {placeholders}
"""
