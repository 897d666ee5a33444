"""OAuth2 mail accounts: providers, the connect flow (authorization code + PKCE), and keeping tokens fresh."""
