from .deps import *  # noqa: F403
