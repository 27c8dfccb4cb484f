"""Quality review screens: a supervisor reviews a logged contact from its page; the advocate
reads their reviews and acknowledges them; supervisors list every review and see the scores per
queue and period. Lists name a contact by its reference number only, never the caller."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lantern.accounts import rules
from lantern.console import access
from lantern.console.training_forms import PeriodForm, ReviewFilterForm, ReviewForm
from lantern.privacy.fields import reveal
from lantern.training import actions, queries
from lantern.training.exceptions import TrainingError

SUMMARY_DAYS = 30  # the summary's period when none is chosen


def review_new(request, contact_id):
    access.require(request.user, "review_quality")
    contact = access.contact(request.user, contact_id)
    rubric = queries.active_rubric()
    form = ReviewForm(request.POST or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        try:
            review = actions.do_review_contact(
                contact, form.values(), feedback=form.cleaned_data["feedback"],
                actor=request.user,
            )  # fmt: skip
        except TrainingError as exc:
            form.add_domain_errors(exc.errors)
        else:
            messages.success(request, _("Review saved: the advocate is asked to read it."))
            return redirect("console:review_detail", review_id=review.pk)
    earlier = queries.reviews_of_contact(request.user, contact)
    return render(
        request,
        "console/review_form.html",
        {"contact": contact, "rubric": rubric, "form": form, "earlier": earlier},
        status=400 if form.errors else 200,
    )


def review_list(request):
    """One's own reviews, newest first; with ``review_quality``, everyone's."""
    access.require_any(request.user, "take_contact", "review_quality")
    every = rules.allows(request.user, "review_quality")
    reviews = queries.reviews_for_user(request.user) if every else queries.my_reviews(request.user)
    filters = None
    if every:
        filters = ReviewFilterForm(request.GET or None, staff=queries.staff_who_take_contacts())
        reviews = filters.apply(reviews)
    page, query = access.paginate(request, reviews.select_related("contact"))
    return render(
        request,
        "console/review_list.html",
        {"page": page, "query": query, "every": every, "filter_form": filters},
    )


def review_detail(request, review_id):
    review = access.get_or_404(queries.access_review_for_user, request.user, review_id)
    return render(
        request,
        "console/review_detail.html",
        {
            "review": review,
            "feedback": reveal(review.feedback) or "",
            "mine": review.advocate_id == request.user.pk,
        },
    )


@require_POST
def review_acknowledge(request, review_id):
    review = access.get_or_404(queries.access_review_for_user, request.user, review_id)
    actions.do_acknowledge_review(review, actor=request.user)
    messages.success(request, _("Thank you: the review is marked as read."))
    return redirect("console:review_detail", review_id=review.pk)


def review_summary(request):
    access.require(request.user, "view_quality_summary")
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    since, until = today - timedelta(days=SUMMARY_DAYS - 1), today
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["since"] or since
        until = form.cleaned_data["until"] or until
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
    return render(
        request,
        "console/review_summary.html",
        {
            "form": form,
            "since": since,
            "until": until,
            "summary": queries.summary(start, end),
        },
        status=400 if form.errors else 200,
    )
