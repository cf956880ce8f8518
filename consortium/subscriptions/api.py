"""``POST /api/v1/subscriptions`` (DESIGN.md): a pending subscription, confirmed from the mail."""
from marshmallow import Schema, fields

from consortium.db import get_session
from consortium.subscriptions import service
from consortium.subscriptions.viewhelpers import mailer, now, settings, subscribe_rate_limits, wake_mail
from consortium.web.api import Blueprint, cap_json_body

blp = Blueprint("subscriptions_api", __name__, url_prefix="/api/v1", description="Readers' e-mail subscriptions")


class PendingSchema(Schema):
    status = fields.String(metadata={"description": "pending_confirmation: nothing is sent until the reader confirms"})


@blp.before_request
def _guard():
    cap_json_body()


@blp.route("/subscriptions", methods=["POST"])
@subscribe_rate_limits
@blp.arguments(service.SubscribeSchema)
@blp.response(202, PendingSchema)
def create_subscription(body):
    """Subscribe an address to a search; a confirmation mail is sent, nothing else until it is confirmed."""
    return service.subscribe(get_session(), body, now=now(), settings=settings(), mailer=mailer(),
                             on_commit=wake_mail())
