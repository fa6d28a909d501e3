"""Reference (b): the connection-manager loop of FastAPI's documentation, as a project has it.

``ConnectionManager`` as the documentation's "Handling disconnections and multiple clients"
writes it: a list of sockets, and a broadcast that awaits ``send_text`` on each in turn.
Served by uvicorn with its defaults (per-message deflate on, which browsers ask for).
``POST /act?version=N`` broadcasts the message stamped N and answers when the loop is done.

    .venv/bin/python -m benchmarks.typical_server PORT
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from benchmarks.references import message


class ConnectionManager:
    def __init__(self) -> None:
        self.active_connections: list[WebSocket] = []

    async def connect(self, websocket: WebSocket) -> None:
        await websocket.accept()
        self.active_connections.append(websocket)

    def disconnect(self, websocket: WebSocket) -> None:
        self.active_connections.remove(websocket)

    async def broadcast(self, message: str) -> None:
        for connection in self.active_connections:
            await connection.send_text(message)


app = FastAPI()
manager = ConnectionManager()


@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket) -> None:
    await manager.connect(websocket)
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        manager.disconnect(websocket)


@app.post("/act")
async def act(version: int) -> dict[str, int]:
    await manager.broadcast(message(version).decode())
    return {"version": version}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", backlog=4096)
