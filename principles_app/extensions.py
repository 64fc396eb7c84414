"""Unbound extensions, bound to the application in create_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from principles_app.db import Base
from principles_app.ratelimits import RateLimits

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
# Failed sign-ins and comments are counted by name in the services; nothing else is limited.
limiter = RateLimits()
