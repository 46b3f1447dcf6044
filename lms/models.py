"""Import every model module so the metadata is complete (Alembic and tests use this)."""

from .accounts import models as _auth  # noqa: F401
from .audit import models as _audit  # noqa: F401
from .author import models as _author  # noqa: F401
from .content import models as _content  # noqa: F401
from .extensions import db
from .learn import models as _learn  # noqa: F401
from .staff import models as _staff  # noqa: F401
from .terminals import models as _terminals  # noqa: F401

metadata = db.metadata
