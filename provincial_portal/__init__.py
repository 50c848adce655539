"""Cổng Dịch vụ công tỉnh Quảng Nam (mô phỏng): a provincial portal, its own organisation.

It keeps the accounts and dossiers the province issued before 2024 and logs citizens in
through the national login service only, over HTTP, like any outside client.
"""
