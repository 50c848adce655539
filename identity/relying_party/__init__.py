"""The portal's "Đăng nhập bằng VNeID": an OpenID Connect client that talks to VNeID over HTTP."""
