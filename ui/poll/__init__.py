"""The class poll: a room's answers to each Predict first question, revealed by the teacher.

store.py keeps rooms in a database behind one small interface (no Streamlit inside); view.py draws
the sidebar, the teacher's live chart and the students' view of the room.
"""
