"""PDF documents made with ReportLab: letters, address labels (survey forms to come).

Nothing here touches the database or Qt: services hand in plain values and get files back.
"""
