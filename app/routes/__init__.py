"""HTTP and websocket routes: parse, authorise, call one service, render."""
