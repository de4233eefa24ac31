from core.roles import role_of


def roles(request):
    return {"user_role": role_of(getattr(request, "user", None))}
