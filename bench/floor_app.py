"""The floor of bench/http_load.py: the least a Flask app can do for the same two requests, served
the same way (gunicorn, 2 sync workers, the same database). POST parses the same JSON body and
INSERTs one row; GET reads one case row by id and answers it as JSON. No sign-in, no checks."""
from __future__ import annotations

import json
import os

from flask import Flask, Response, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=False)
INSERT = text("INSERT INTO floor_cases (subject, body) VALUES (:subject, :body) RETURNING id")
SELECT = text("SELECT id, tracking_code, kind, state, subject, received_on, due_on, version FROM cases WHERE id = :id")


@app.post("/cases")
def create() -> Response:
    data = json.loads(request.get_data())
    with engine.begin() as conn:
        new_id = conn.execute(INSERT, {"subject": data["subject"], "body": json.dumps(data, ensure_ascii=False)}).scalar_one()
    return Response(json.dumps({"id": new_id}), status=201, mimetype="application/json")


@app.get("/cases/<int:case_id>")
def read(case_id: int) -> Response:
    with engine.connect() as conn:
        row = conn.execute(SELECT, {"id": case_id}).mappings().one()
    return Response(json.dumps(dict(row), default=str, ensure_ascii=False), mimetype="application/json")
