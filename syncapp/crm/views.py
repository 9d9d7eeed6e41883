from django.http import HttpResponse

from syncapp.accounts.decorators import portal_view


@portal_view()
def record_list(request, object_type):
    return HttpResponse("todo")
