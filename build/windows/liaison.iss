; Liaison — Windows installer (Inno Setup 6.3 or later).
;
; Do not run ISCC on this file by hand: build/windows/make_installer.py does it, step by step:
;   1. it builds the frozen app (python build/bundle.py) unless dist\Liaison is already there;
;   2. it reads the version from pyproject.toml ([project] version);
;   3. it calls  ISCC.exe /DAppVersion=<version> /DSourceDir=<dist\Liaison> /DOutputDir=<dist\installers>
;               build\windows\liaison.iss
;      which writes dist\installers\Liaison-<version>-windows-x64-setup.exe.
;
; What the installer does:
;   * per-user install, no administrator rights (PrivilegesRequired=lowest): the app goes to
;     {autopf}\Liaison, which for a per-user install is %LOCALAPPDATA%\Programs\Liaison;
;   * a Start menu entry "Liaison" (Liaison.exe: the windowed launcher) and, if ticked, a
;     desktop icon; liaison-cli.exe (the command line) is installed beside it;
;   * on upgrade, it first deletes the previous version's program files ([InstallDelete]),
;     so no stale module or Qt plugin of an older version survives next to the new ones;
;   * a clean uninstall: everything under {app}, the shortcuts and the uninstall entry;
;   * it never touches the user's data folder, %LOCALAPPDATA%\Liaison (platformdirs'
;     user_data_dir("Liaison", appauthor=False): the store the app rebuilds, settings).
;     The install folder can never be that folder, or inside it (see [Code]).

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=1.2.3 (build/windows/make_installer.py does)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\Liaison"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist\installers"
#endif
#define AppName "Liaison"
#define AppExe "Liaison.exe"
#define CliExe "liaison-cli.exe"

[Setup]
; AppId identifies the app across versions (upgrades replace, never duplicate): never change it.
AppId={{C6D29F9D-BCE6-42CE-A121-1D073C7117E3}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Liaison
VersionInfoVersion={#AppVersion}
; Per user, no UAC prompt. {autopf} then means {userpf} = %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
DefaultDirName={autopf}\{#AppName}
; Officers cannot pick a folder (so it cannot be the data folder); /DIR= is checked in [Code].
DisableDirPage=yes
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
; 64-bit app: install in 64-bit mode on x64 and on Arm64 (x64 emulation).
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\liaison.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName} {#AppVersion}
Compression=lzma2/ultra64
SolidCompression=yes
WizardStyle=modern
; Close a running Liaison (Restart Manager) before files are replaced or removed.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Upgrade: remove the previous version's program files before the new ones are copied.
; Only {app} — the install folder — is touched, never the data folder.
Type: filesandordirs; Name: "{app}\_internal"
Type: files; Name: "{app}\*.exe"
Type: files; Name: "{app}\*.dll"

[Files]
; The whole PyInstaller one-folder bundle: Liaison.exe, liaison-cli.exe and _internal\
; (Python, Qt, the prebuilt store and resources).
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Anything left in the install folder (nothing should be: the app writes only to its
; data folder). The data folder %LOCALAPPDATA%\Liaison is deliberately kept.
Type: filesandordirs; Name: "{app}\_internal"
Type: dirifempty; Name: "{app}"

[Code]
{ The data folder the app writes to (db/paths.py: platformdirs, appauthor=False). }
function DataDir(): String;
begin
  Result := AddBackslash(ExpandConstant('{localappdata}')) + 'Liaison';
end;

{ True when Path is Dir or lies inside it (case-insensitive, as Windows paths are). }
function IsSameOrInside(Path, Dir: String): Boolean;
var
  P, D: String;
begin
  P := Lowercase(AddBackslash(Path));
  D := Lowercase(AddBackslash(Dir));
  Result := Copy(P, 1, Length(D)) = D;
end;

{ Refuse an install folder that is, or is inside, the data folder: [InstallDelete] and the
  uninstaller would otherwise delete the officer's data. Only reachable through /DIR=. }
function PrepareToInstall(var NeedsRestart: Boolean): String;
begin
  Result := '';
  if IsSameOrInside(ExpandConstant('{app}'), DataDir()) then
    Result := 'Liaison cannot be installed into its data folder (' + DataDir() + '). ' +
              'Choose another folder.';
end;
