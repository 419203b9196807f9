"""A second node of the desk, in a process of its own, for the shared-state tests: it
builds the app from the JSON config on stdin, sends a wrong password for each login
named on its command line, and prints the status codes as JSON."""
import json
import sys

from app import create_app


def main() -> None:
    client = create_app(json.load(sys.stdin)).test_client()
    print(json.dumps([client.post("/login", data={"login": login, "password": "wrong"})
                      .status_code for login in sys.argv[1:]]))


if __name__ == "__main__":
    main()
