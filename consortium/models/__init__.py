"""SQLModel tables, one module per concept. Importing this package registers every table
on ``SQLModel.metadata`` (Alembic's autogenerate and the tests rely on that)."""
from consortium.models.members import ApiKey, Member, User  # noqa: F401
from consortium.models.catalogue import (  # noqa: F401
    ChangeLog,
    Holding,
    PushBatch,
    Work,
    WorkIdentifier,
)
from consortium.models.reference import IntakeHit, KnowledgeEntry, Question, QuestionEvent, QuestionMessage, ReferenceProfile  # noqa: F401,E501
import consortium.mail.models  # noqa: F401,E402  (registers the mail_outbox table)
from consortium.models.imports import Import, ImportProblem  # noqa: F401
from consortium.models.guides import Guide, GuideItem  # noqa: F401,E402
from consortium.search.models import SearchCheckpoint  # noqa: F401,E402
