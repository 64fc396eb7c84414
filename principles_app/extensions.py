"""Unbound extensions, bound to the application in create_app."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from principles_app.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# Limits are applied by name in the services (sign-in failures) and by decorator on routes;
# nothing is limited by default so a meeting room full of delegates is never throttled.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
