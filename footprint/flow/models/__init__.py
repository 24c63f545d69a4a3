"""The flow app's models, one module per part: daily returns, and escalation with mutual aid."""

from footprint.flow.models.escalation import *  # noqa: F403
from footprint.flow.models.returns import *  # noqa: F403
