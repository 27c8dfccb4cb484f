"""The public site: the anonymous tip form and follow-up by receipt code.

Nothing here learns who the visitor is: no account, no address kept (the request log has none),
no third-party asset. The follow-up is held in a short session that ends with the browser.
"""

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from lantern.contacts import actions as contacts
from lantern.contacts import queries as contact_queries
from lantern.contacts.exceptions import ContactValidationError
from lantern.core.sessions import CHAT as CHAT_SESSION_KEY
from lantern.privacy import receipts
from lantern.public import followup, pow
from lantern.public.forms import OTHER_LANGUAGE, PreChatForm, ReceiptForm, ReplyForm, TipForm
from lantern.routing.kick import kick

SESSION_KEY = "lantern_followup"
FOLLOWUP_SECONDS = 30 * 60


@never_cache
@require_http_methods(["GET", "POST"])
def tip(request):
    form = TipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = receipts.new_code()
        try:
            # the tip's language is the page's: what the tipster read and wrote in
            tip = {**form.cleaned_data, "language": get_language()}
            contacts.do_receive_tip(tip, receipt_hash=receipts.code_hash(code))
        except ContactValidationError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            kick()
            # shown once, on this page; never stored
            return render(request, "public/tip_sent.html", {"code": receipts.display(code)})
    return render(
        request, "public/tip_form.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
@require_http_methods(["GET", "POST"])
def followup_login(request):
    form = ReceiptForm(request.POST or None, initial={"challenge": pow.new_challenge()})
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not pow.verify(data["challenge"], data["work"]):
            error = _("Please try again: the page needs a moment to check your browser.")
            status = 400
        else:
            try:
                conversation = followup.open_with_code(data["code"])
            except followup.TooManyAttempts:
                conversation, error, status = (
                    None,
                    _("Too many tries right now. Please wait a minute."),
                    429,
                )
            if conversation is not None:
                request.session.cycle_key()
                request.session[SESSION_KEY] = str(conversation.pk)
                request.session.set_expiry(FOLLOWUP_SECONDS)
                return redirect("public:followup")
            error = error or _("That receipt code does not open a report. Check the digits.")
            status = max(status, 404)
        form = ReceiptForm(initial={"challenge": pow.new_challenge(), "code": data["code"]})
    elif request.method == "POST":
        status = 400
    context = {"form": form, "error": error, "bits": pow.difficulty()}
    return render(request, "public/followup_login.html", context, status=status)


def _conversation(request):
    pk = request.session.get(SESSION_KEY)
    return contact_queries.tip_conversation(pk) if pk else None


@never_cache
@require_http_methods(["GET", "POST"])
def followup_thread(request):
    conversation = _conversation(request)
    if conversation is None:
        return redirect("public:followup_login")
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contacts.do_receive_message(
            channel="webform", hotline_address="", participant="",
            body=form.cleaned_data["body"], contact=conversation.contact,
        )  # fmt: skip
        return redirect("public:followup")
    thread = contact_queries.followup_thread(conversation)
    context = {"thread": thread, "form": form}
    return render(request, "public/followup.html", context, status=400 if form.errors else 200)


@csrf_exempt  # ending a follow-up is always safe; the quick exit's beacon carries no token
@require_http_methods(["POST"])
def followup_leave(request):
    request.session.flush()
    return redirect("public:tip")


@never_cache
@require_http_methods(["GET", "POST"])
def chat(request):
    """The pre-chat form; sending it (even empty) opens the chat."""
    form = PreChatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # the language chosen in the form, else the page's; "another language" says none
        language = data["language"] or get_language()
        language = "" if language == OTHER_LANGUAGE else language
        conversation = contacts.do_open_chat(
            language=language, state=data["state"], safe=data["safe"],
            heard_about=data["heard_about"],
        )  # fmt: skip
        kick()
        request.session[CHAT_SESSION_KEY] = str(conversation.pk)
        request.session.set_expiry(0)  # ends with the browser
        return redirect("public:chat_room")
    return render(
        request, "public/chat_start.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
def chat_room(request):
    conversation_id = request.session.get(CHAT_SESSION_KEY)
    conversation = contact_queries.chat_conversation(conversation_id) if conversation_id else None
    if conversation is None or conversation.state != "open":
        return redirect("public:chat")
    history = (
        contact_queries.followup_thread(conversation) if conversation.messages.exists() else []
    )
    return render(request, "public/chat_room.html", {"history": history})


@csrf_exempt  # leaving is always safe; the quick exit's beacon carries no token
@require_http_methods(["POST"])
def chat_leave(request):
    conversation_id = request.session.pop(CHAT_SESSION_KEY, None)
    conversation = contact_queries.chat_conversation(conversation_id) if conversation_id else None
    if conversation is not None:
        contacts.do_close_conversation(conversation, reason="the visitor left the chat")
    return redirect("public:chat")
