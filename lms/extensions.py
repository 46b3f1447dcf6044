"""Flask extensions, created unbound and attached in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from .db import Base

# A request commits once its changes are made and then renders what it already holds: expiring
# every object on commit would reload each of them, one query apiece, while the page renders.
db = SQLAlchemy(model_class=Base, disable_autonaming=True,
                session_options={"expire_on_commit": False})
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
