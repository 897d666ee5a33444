"""The company portal's own reads: the home dashboard, global search and the notifications of the app shell."""
