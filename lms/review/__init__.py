from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")
