# nbgrader's configuration for the Online Lives case studies.
# `online-lives grade build` copies this file into the course folder (ONLINE_LIVES_GRADING,
# by default `grading/` in the data folder), where nbgrader and formgrader read it.
c = get_config()  # noqa: F821 - provided by Jupyter's config loader

c.CourseDirectory.course_id = "online-lives"
# Learners never edit the notebooks: the exercise page writes each answer cell whole.
c.ClearSolutions.code_stub = {"python": "# YOUR ANSWER HERE"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# A grading kernel (plain `nbgrader autograde`, or `online-lives grade autograde --with-kernel`)
# gets 30 seconds a cell.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# No exchange: submissions arrive from the exercise page or by `online-lives grade collect`.
c.Exchange.path_includes_course = False
