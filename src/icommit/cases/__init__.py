"""Cases: the work with one person leaving extremism (issue 13). So far the case process only:
its stages, allowed moves and shipped content (``process``); the app follows."""
