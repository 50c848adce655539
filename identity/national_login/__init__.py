"""The Government Office's national login service ("Hệ thống xác thực", xacthuc.dichvucong.gov.vn).

An OpenID provider to provincial and ministry portals, and itself a relying party of VNeID over
HTTP. Served under `/xacthuc/`.
"""
