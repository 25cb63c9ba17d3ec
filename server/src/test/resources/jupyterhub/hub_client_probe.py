"""JupyterHub's own client code (Debian's jupyterhub 3.0) against a gpuhub hub.

Acts as alice's server would: jupyterhub.services.auth.HubOAuth with the server's API token as its
OAuth client secret. Reads HUB_API_URL, SERVER_TOKEN, ALICE_TOKEN, BOB_TOKEN, OAUTH_CODE from the
environment (never the command line) and prints one JSON object of what the hub answered.
"""
import json
import os

import jupyterhub
from jupyterhub.services.auth import HubOAuth

env = os.environ
auth = HubOAuth(
    api_token=env["SERVER_TOKEN"],
    api_url=env["HUB_API_URL"],
    oauth_client_id="jupyterhub-user-alice",
    oauth_redirect_uri="/user/alice/oauth_callback",
    access_scopes={"access:servers!server=alice/", "access:servers!user=alice"},
    cache_max_age=0,
)


def access(model):
    return sorted(auth.check_scopes(auth.access_scopes, model)) if model else None


out = {"jupyterhub": jupyterhub.__version__}
alice = auth.user_for_token(env["ALICE_TOKEN"], use_cache=False)
out["alice"] = {"name": alice["name"], "access": access(alice)}
bob = auth.user_for_token(env["BOB_TOKEN"], use_cache=False)
out["bob"] = {"name": bob["name"], "access": access(bob)}
out["unknown"] = auth.user_for_token("0" * 64, use_cache=False)
token = auth.token_for_code(env["OAUTH_CODE"])
oauth = auth.user_for_token(token, use_cache=False)
out["oauth"] = {"name": oauth["name"], "scopes": oauth["scopes"], "access": access(oauth)}
try:
    auth.token_for_code(env["OAUTH_CODE"])
    out["code_reused"] = "accepted"
except Exception as e:  # tornado.web.HTTPError naming the hub's OAuth error
    out["code_reused"] = str(e)
print(json.dumps(out))
