"""Vietnamese vocabulary for the demo data: names, addresses, subjects, dialogue topics.

Everything here is invented; the subjects are the kinds of matters the seed articles and
the official report forms talk about (land and compensation, policies and benefits, order
in residential areas, officials' conduct).
"""
from __future__ import annotations

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
                "Dương", "Lý", "Trương", "Đinh")
MIDDLE_NAMES = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Hoài", "Xuân", "Kim")
GIVEN_NAMES = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Hương", "Lan", "Long", "Mai", "Nam",
               "Nga", "Phúc", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Vy", "Yến", "Khoa",
               "Lộc", "Nhung", "Đạt")
STREETS = ("Nơ Trang Long", "Bạch Đằng", "Xô Viết Nghệ Tĩnh", "Đinh Bộ Lĩnh", "Phan Đăng Lưu", "Lê Quang Định",
           "Nguyễn Xí", "Quốc lộ 1A", "Trần Phú", "Hàm Nghi")
HAMLETS = ("Thôn Tân Phúc", "Thôn Hải Phong", "Tổ dân phố 3", "Tổ dân phố 7", "Thôn Đông Sơn", "Thôn Bắc Hải")

# Subjects by the subject areas of the report forms (01/XLD–04/XLD).
SUBJECTS: dict[str, tuple[str, ...]] = {
    "land_housing": (
        "Khiếu nại quyết định thu hồi đất",
        "Khiếu nại mức bồi thường, hỗ trợ tái định cư",
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
        "Tranh chấp ranh giới đất với hộ liền kề",
        "Phản ánh xây dựng trái phép trên đất nông nghiệp",
        "Đề nghị điều chỉnh quy hoạch khu dân cư",
    ),
    "policy_benefits": (
        "Đề nghị xem xét chế độ người có công với cách mạng",
        "Khiếu nại việc cắt trợ cấp bảo trợ xã hội",
        "Kiến nghị xét lại danh sách hộ nghèo, cận nghèo",
        "Phản ánh chậm chi trả chế độ bảo hiểm xã hội",
    ),
    "justice": (
        "Khiếu nại việc tổ chức thi hành án dân sự",
        "Đề nghị xem xét lại quyết định xử phạt vi phạm hành chính",
    ),
    "party": ("Phản ánh đảng viên vi phạm quy định về nêu gương",),
    "civil_service": (
        "Tố cáo cán bộ địa chính gây khó khăn khi làm thủ tục",
        "Tố cáo công chức phường nhận tiền của người dân",
    ),
    "corruption": (
        "Tố cáo sai phạm trong quản lý quỹ đất công ích",
        "Tố cáo nâng khống khối lượng công trình đường giao thông",
    ),
    "other": (
        "Phản ánh ô nhiễm tiếng ồn từ cơ sở sản xuất",
        "Kiến nghị sửa chữa tuyến đường xuống cấp",
        "Phản ánh ngập úng kéo dài tại khu dân cư",
        "Kiến nghị lắp đặt đèn chiếu sáng công cộng",
        "Phản ánh lấn chiếm vỉa hè, lòng đường",
    ),
}
# Which subject areas each kind of petition is mostly about.
AREAS_BY_KIND: dict[str, tuple[str, ...]] = {
    "complaint": ("land_housing", "land_housing", "land_housing", "policy_benefits", "justice", "other"),
    "denunciation": ("civil_service", "corruption", "land_housing", "party", "other"),
    "recommendation": ("land_housing", "policy_benefits", "other", "other"),
    "feedback": ("other", "other", "land_housing", "policy_benefits"),
    "voter_opinion": ("other", "land_housing", "policy_benefits"),
}
CONTENT = (
    "Đề nghị cơ quan có thẩm quyền xem xét, giải quyết dứt điểm để ổn định cuộc sống gia đình.",
    "Sự việc kéo dài nhiều năm, gia đình đã nhiều lần đến trụ sở nhưng chưa được trả lời bằng văn bản.",
    "Kèm theo đơn có bản sao giấy tờ liên quan và ảnh chụp hiện trạng.",
    "Đề nghị kiểm tra, xác minh và xử lý nghiêm theo quy định của pháp luật.",
)
DECISION_SUMMARIES = (
    "Giữ nguyên quyết định ban đầu; giải thích chính sách cho người khiếu nại.",
    "Điều chỉnh đơn giá bồi thường theo bảng giá đất năm hiện hành.",
    "Yêu cầu chủ đầu tư bổ sung hỗ trợ chuyển đổi nghề.",
    "Kết luận nội dung tố cáo đúng một phần; kiến nghị xử lý kỷ luật cán bộ liên quan.",
    "Đã kiểm tra thực tế, yêu cầu đơn vị thi công khắc phục trong 30 ngày.",
)
REASONS = ("Cần xác minh thêm tại nhiều địa điểm", "Chờ kết quả giám định", "Vụ việc phức tạp, liên quan nhiều hộ dân",
           "Chờ ý kiến của cơ quan chuyên môn cấp trên")
GUIDE_TO = ("Tòa án nhân dân quận", "Cơ quan Thi hành án dân sự", "Công an quận", "Bảo hiểm xã hội tỉnh")

DIALOGUE_TOPICS = (
    "Đối thoại về bồi thường, giải phóng mặt bằng dự án mở rộng đường",
    "Đối thoại với Nhân dân về cải cách thủ tục hành chính",
    "Đối thoại với hộ kinh doanh về trật tự đô thị",
    "Đối thoại về xây dựng nông thôn mới nâng cao",
    "Đối thoại về công tác bảo vệ môi trường khu dân cư",
)
OPINIONS = (
    ("Đề nghị công khai đơn giá bồi thường", "Người dân chưa được xem bảng đơn giá áp dụng cho dự án."),
    ("Đề nghị sớm bố trí tái định cư", "Nhiều hộ đã bàn giao mặt bằng nhưng chưa nhận được nền tái định cư."),
    ("Kiến nghị nạo vét kênh thoát nước", "Mùa mưa nước ngập sâu, ảnh hưởng sinh hoạt của bà con."),
    ("Rút ngắn thời gian cấp giấy chứng nhận", "Hồ sơ nộp đã quá hạn hẹn trả kết quả."),
    ("Bố trí điểm tập kết rác thải", "Rác tồn đọng ở đầu hẻm gây mất vệ sinh."),
    ("Hỗ trợ vốn vay cho hộ kinh doanh nhỏ", "Đề nghị giới thiệu nguồn vốn ưu đãi của Ngân hàng Chính sách xã hội."),
    ("Lắp camera an ninh tại các tuyến hẻm", "Thời gian gần đây xảy ra một số vụ trộm cắp."),
    ("Sửa chữa nhà văn hóa khu phố", "Mái nhà văn hóa bị dột, không sử dụng được khi mưa."),
)
ANSWERS = (
    "Chủ trì đối thoại trả lời trực tiếp, giải thích rõ quy định hiện hành; người dân thống nhất.",
    "UBND đã có kế hoạch thực hiện trong quý tới, sẽ thông báo công khai tại khu phố.",
    "Giao bộ phận chuyên môn hướng dẫn người dân hoàn thiện hồ sơ ngay trong tuần.",
)
SUPERVISION_SUBJECTS = (
    "Giám sát việc thực hiện quy chế dân chủ ở cơ sở",
    "Giám sát việc công khai thu, chi ngân sách phường",
    "Giám sát việc giải quyết đơn thư tại Ủy ban nhân dân",
    "Giám sát công trình đường giao thông do Nhân dân đóng góp",
    "Giám sát việc bình xét hộ nghèo, cận nghèo",
)
RECOMMENDATIONS = (
    "Đề nghị niêm yết công khai phương án bồi thường tại trụ sở và nhà văn hóa khu phố.",
    "Đề nghị trả lời bằng văn bản các đơn thư tồn đọng quá hạn.",
    "Đề nghị công khai danh sách hộ nghèo sau bình xét.",
    "Đề nghị yêu cầu nhà thầu khắc phục các điểm hư hỏng trước khi nghiệm thu.",
)
