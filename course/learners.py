"""Who a learner is: the learner id used by the case studies (nbgrader's student id), module
completions, quiz rounds and the completion certificate.

Under JupyterHub the hub user is the learner, and the id cannot be changed on the page;
elsewhere (a single machine, Binder) learners type the id their course organiser gave them,
and pages carry it from one to the next in the address (`?learner=`).
"""

from __future__ import annotations

import os
import re

MAX_LEARNER_ID = 64
_LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
BINDER_VARIABLES = ("BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_REPO_URL")


def clean_learner_id(raw: object) -> str:
    """A learner id fit to name nbgrader's folders; ValueError with a plain message if not."""
    if not isinstance(raw, str):
        raise ValueError("Your learner id must be text.")
    cleaned = raw.strip()
    if not cleaned:
        raise ValueError("Type your learner id: the one your course organiser gave you.")
    if len(cleaned) > MAX_LEARNER_ID:
        raise ValueError(f"A learner id can be at most {MAX_LEARNER_ID} characters.")
    if not _LEARNER_ID.match(cleaned):
        raise ValueError(
            "A learner id can use only letters, digits, dots, dashes and underscores, "
            "and must start with a letter or digit (for example: jsmith or staff-0042)."
        )
    return cleaned


def learner_from_environment() -> str | None:
    """The learner id a hub provides (JupyterHub sets JUPYTERHUB_USER), if it is usable.

    Binder runs on JupyterHub too, but its user names are made up for each launch and mean
    nothing to an assessor: there, learners type their own id."""
    if any(os.environ.get(name) for name in BINDER_VARIABLES):
        return None
    try:
        return clean_learner_id(os.environ.get("JUPYTERHUB_USER", ""))
    except ValueError:
        return None


def requested_learner(query: dict[str, str]) -> tuple[str | None, bool]:
    """The learner for a page request: (the hub user, True) under JupyterHub; else (the
    address's `learner` as it came, False), or (None, False). The address's value is not
    checked here, so that a page can show why it is not usable."""
    from_hub = learner_from_environment()
    if from_hub is not None:
        return from_hub, True
    return query.get("learner") or None, False
