from django.db import models

from lantern.accounts import rules


class RestrictedQuerySet(models.QuerySet):
    """``Model.objects.restrict(user, action)``: only the rows the permission rules allow.

    Models using it either name the fields the record conditions look at
    (``rules_owner_field``, ``rules_creator_field``, ``rules_created_field``; see
    ``rules.MODEL_CONDITIONS``), or set ``rules_through`` to the foreign key of the record whose
    rules they follow (a case's notes and tip reports follow the case; a referral, its contact).
    """

    def restrict(self, user, action: str):
        through = getattr(self.model, "rules_through", None)
        if through:
            parent = self.model._meta.get_field(through).related_model
            return self.filter(**{f"{through}__in": parent.objects.restrict(user, action)})
        q = rules.q_for(user, action, self.model)
        if q is None:
            return self.none()
        return self.filter(q) if q else self.all()
